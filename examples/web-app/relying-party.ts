// The OAuth 2.0 / OpenID Connect side of the example: everything that talks to Gatehouse goes through
// oauth4webapi (discovery, the authorization code flow with PKCE, refresh, RP-initiated logout URL).
import * as oauth from 'oauth4webapi';

export interface RelyingPartySettings {
  /** Gatehouse's issuer URL (GATEHOUSE_URL). */
  issuer: URL;
  clientId: string;
  /** A confidential client's secret; without one the app is a public client (PKCE only). */
  clientSecret: string | undefined;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** The scope to ask for; `openid` is added when Gatehouse serves OpenID Connect discovery (unless `exactScope`). */
  scope: string;
  exactScope: boolean;
}

/** What the app keeps between sending the browser to Gatehouse and the callback. */
export interface PendingSignIn {
  state: string;
  codeVerifier: string;
  /** Sent when an ID token is expected (OpenID Connect discovery and the openid scope). */
  nonce: string | undefined;
}

/** The outcome of a sign-in or a refresh. */
export interface SignedIn {
  accessToken: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
  /** The ID token's claims, validated by oauth4webapi (issuer, audience, nonce, expiry). */
  idTokenClaims: Record<string, unknown> | undefined;
  /** The access token's payload as Gatehouse issued it (decoded only: the token is for Gatehouse's API, not for this app). */
  accessTokenClaims: Record<string, unknown>;
  scope: string | undefined;
  expiresAt: number;
}

/** Gatehouse answered the callback with an error (access_denied, login_required, ...). */
export class SignInRefused extends Error {
  override name = 'SignInRefused';
  constructor(
    readonly error: string,
    description: string | undefined,
  ) {
    super(description === undefined ? error : `${error}: ${description}`);
  }
}

export class RelyingParty {
  private readonly client: oauth.Client;
  private readonly auth: oauth.ClientAuth;
  private readonly http: { [oauth.allowInsecureRequests]?: boolean };
  readonly scope: string;

  private constructor(
    private readonly settings: RelyingPartySettings,
    readonly server: oauth.AuthorizationServer,
    /** Whether the metadata came from /.well-known/openid-configuration (so an ID token can be asked for). */
    readonly openIdProvider: boolean,
  ) {
    this.client = { client_id: settings.clientId };
    this.auth = settings.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(settings.clientSecret);
    this.http = insecure(settings.issuer);
    const elements = settings.scope.split(' ').filter((element) => element !== '');
    this.scope = openIdProvider && !settings.exactScope && !elements.includes('openid') ? ['openid', ...elements].join(' ') : elements.join(' ');
  }

  /** Reads Gatehouse's metadata: OpenID Connect discovery where it is served, else RFC 8414. */
  static async discover(settings: RelyingPartySettings): Promise<RelyingParty> {
    const options = insecure(settings.issuer);
    try {
      const server = await oauth.processDiscoveryResponse(settings.issuer, await oauth.discoveryRequest(settings.issuer, { ...options, algorithm: 'oidc' }));
      return new RelyingParty(settings, server, true);
    } catch {
      const server = await oauth.processDiscoveryResponse(settings.issuer, await oauth.discoveryRequest(settings.issuer, { ...options, algorithm: 'oauth2' }));
      return new RelyingParty(settings, server, false);
    }
  }

  get expectsIdToken(): boolean {
    return this.openIdProvider && this.scope.split(' ').includes('openid');
  }

  /** The URL to send the browser to, and what to keep for the callback. `prompt=none` asks for an answer without any page. */
  async startSignIn(prompt?: 'none' | 'login' | 'consent'): Promise<{ url: URL; pending: PendingSignIn }> {
    const pending: PendingSignIn = {
      state: oauth.generateRandomState(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      nonce: this.expectsIdToken ? oauth.generateRandomNonce() : undefined,
    };
    const url = new URL(this.server.authorization_endpoint ?? new URL('/oauth/authorize', this.settings.issuer).href);
    const params = {
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      scope: this.scope,
      state: pending.state,
      code_challenge: await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      ...(pending.nonce === undefined ? {} : { nonce: pending.nonce }),
      ...(prompt === undefined ? {} : { prompt }),
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { url, pending };
  }

  /** Checks the callback (state, iss), then redeems the code with the PKCE verifier. */
  async finishSignIn(callbackUrl: URL, pending: PendingSignIn): Promise<SignedIn> {
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(this.server, this.client, callbackUrl, pending.state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) throw new SignInRefused(error.error, error.error_description);
      throw error;
    }
    const response = await oauth.authorizationCodeGrantRequest(this.server, this.client, this.auth, params, this.settings.redirectUri, pending.codeVerifier, this.http);
    const tokens = await oauth.processAuthorizationCodeResponse(this.server, this.client, response, pending.nonce === undefined ? {} : { expectedNonce: pending.nonce, requireIdToken: true });
    return signedIn(tokens, undefined);
  }

  /** New tokens for a refresh token (Gatehouse rotates it). */
  async refresh(current: SignedIn): Promise<SignedIn> {
    if (current.refreshToken === undefined) throw new Error('no refresh token (ask for offline_access)');
    const response = await oauth.refreshTokenGrantRequest(this.server, this.client, this.auth, current.refreshToken, this.http);
    return signedIn(await oauth.processRefreshTokenResponse(this.server, this.client, response), current);
  }

  /** RP-initiated logout: Gatehouse asks the person to confirm, ends its session and comes back with `state`. */
  signOutUrl(state: string, idToken: string | undefined): URL {
    const url = new URL(this.server.end_session_endpoint ?? new URL('/oauth/logout', this.settings.issuer).href);
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('post_logout_redirect_uri', this.settings.postLogoutRedirectUri);
    url.searchParams.set('state', state);
    if (idToken !== undefined) url.searchParams.set('id_token_hint', idToken);
    return url;
  }

  /** Calls a protected server command of Gatehouse (POST /api/apps/<app>/commands/<name>) with the access token. */
  async callCommand(path: string, accessToken: string, input: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(new URL(path, this.settings.issuer), {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: shown as text
    }
    return { status: response.status, body };
  }
}

/** http:// issuers are for local development only; oauth4webapi refuses them unless told. */
function insecure(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
}

function signedIn(tokens: oauth.TokenEndpointResponse, previous: SignedIn | undefined): SignedIn {
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? previous?.refreshToken,
    idToken: tokens.id_token ?? previous?.idToken,
    idTokenClaims: claims === undefined ? previous?.idTokenClaims : { ...claims },
    accessTokenClaims: jwtPayload(tokens.access_token),
    scope: tokens.scope,
    expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000,
  };
}

function jwtPayload(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
