import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { isRecord } from '../shared/is-record.js';
import { discoverMetadata, discoverOpenIdConfiguration, trimIssuer, type AuthorizationServerMetadata } from './discovery.js';
import { AuthorizationResponseError, GatehouseOAuthError, GatehouseResponseError, SignInCallbackError } from './errors.js';
import { codeChallengeS256, createCodeVerifier, randomUrlSafe } from './pkce.js';
import { normaliseScope, type ScopeInput } from './scope.js';
import { parseTokenResponse } from './token-endpoint.js';
import { networkErrorsNamed } from './network.js';
import { bearerChallenge } from './www-authenticate.js';

/** The claims of a validated ID token (OpenID Connect Core §2). */
export interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  exp: number;
  iat: number;
  nonce?: string;
  auth_time?: number;
  amr?: string[];
  acr?: string;
  azp?: string;
}

/** What a sign-in (or a refresh) yields. */
export interface SignInTokens {
  accessToken: string;
  /** Present when the server issued one (scope `offline_access`, or the client's grant types). */
  refreshToken: string | undefined;
  /** Present with the `openid` scope. */
  idToken: string | undefined;
  /** The access token's lifetime in seconds, as the server said. */
  expiresIn: number | undefined;
  /** When the access token expires (ms since the epoch), counted from when the request left. */
  expiresAt: number | undefined;
  /** The granted scope (as the server said, else the requested one). */
  scope: string;
  /** The validated ID token's claims. */
  claims: IdTokenClaims | undefined;
}

/** Parameters of the authorization request besides the PKCE, state and nonce the SDK makes. */
export interface AuthorizationOptions {
  /** OIDC `prompt`: `none` (no page; fails with `login_required` without a session), `login`, `consent`. */
  prompt?: 'none' | 'login' | 'consent' | 'login consent';
  /** OIDC `login_hint`: the username to fill in. */
  loginHint?: string;
  /** OIDC `ui_locales`: the pages' languages in order of preference, e.g. `['ja', 'en']`. */
  uiLocales?: string | readonly string[];
  /** OIDC `max_age`: sign in again when the last sign-in is older than this many seconds. */
  maxAge?: number;
}

/** A started sign-in: what the callback is checked against. */
export interface PendingAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** The requested scope (normalised). */
  scope: string;
}

export interface CodeFlowOptions {
  issuer: string;
  /** The public client's id (`token_endpoint_auth_method: none`); sent as `client_id`. */
  clientId: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Tolerated clock difference with the server for the ID token's `exp` and `iat` (default 60 s). */
  clockToleranceSeconds?: number;
}

/** Form of a token or revocation request. */
type Form = Record<string, string>;

/**
 * The protocol of a public client in the authorization code flow with PKCE, shared by the browser and the
 * native helpers: the authorization URL, the checks of the redirect back (state, RFC 9207 `iss`, errors),
 * the code exchange with ID token validation, refresh, revocation, userinfo and the end-session URL.
 */
export class CodeFlowClient {
  readonly issuer: string;
  readonly clientId: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly clockTolerance: number;
  private metadataPromise: Promise<AuthorizationServerMetadata> | undefined;
  private openIdPromise: Promise<AuthorizationServerMetadata> | undefined;
  private keySet: { keys: ReturnType<typeof createLocalJWKSet>; fetchedAt: number } | undefined;

  constructor(options: CodeFlowOptions) {
    this.issuer = trimIssuer(options.issuer);
    this.clientId = options.clientId;
    this.fetchImpl = networkErrorsNamed(options.fetch);
    this.now = options.now ?? (() => Date.now());
    this.clockTolerance = options.clockToleranceSeconds ?? 60;
  }

  /**
   * The issuer's RFC 8414 metadata, or its OpenID configuration when it serves no RFC 8414 document (404),
   * read once (a failed read is tried again on the next call).
   */
  metadata(): Promise<AuthorizationServerMetadata> {
    if (!this.metadataPromise) {
      const loading = discoverMetadata(this.issuer, this.fetchImpl).catch((error: unknown) => {
        if (error instanceof GatehouseResponseError && error.status === 404) return this.openIdConfiguration();
        throw error;
      });
      this.metadataPromise = loading;
      loading.catch(() => {
        if (this.metadataPromise === loading) this.metadataPromise = undefined;
      });
    }
    return this.metadataPromise;
  }

  /** An endpoint named in the RFC 8414 metadata, else in the OpenID configuration; undefined when neither has it. */
  async endpoint(name: 'authorization_endpoint' | 'userinfo_endpoint' | 'end_session_endpoint' | 'revocation_endpoint' | 'jwks_uri'): Promise<string | undefined> {
    const value = (await this.metadata())[name];
    if (typeof value === 'string') return value;
    const fallback = await this.openIdConfiguration().catch(() => undefined);
    const found = fallback?.[name];
    return typeof found === 'string' ? found : undefined;
  }

  private openIdConfiguration(): Promise<AuthorizationServerMetadata> {
    if (!this.openIdPromise) {
      const loading = discoverOpenIdConfiguration(this.issuer, this.fetchImpl);
      this.openIdPromise = loading;
      loading.catch(() => {
        if (this.openIdPromise === loading) this.openIdPromise = undefined;
      });
    }
    return this.openIdPromise;
  }

  /** A new authorization request: its URL, and what to keep until the callback (never sent to the server but the challenge). */
  async authorizationRequest(
    redirectUri: string,
    scope: ScopeInput,
    resource: string | readonly string[] | undefined,
    options: AuthorizationOptions = {},
  ): Promise<{ url: string; pending: PendingAuthorization }> {
    const endpoint = await this.endpoint('authorization_endpoint');
    if (endpoint === undefined) throw new GatehouseResponseError(`the metadata of ${this.issuer} names no authorization_endpoint`, 200);
    const pending: PendingAuthorization = { state: randomUrlSafe(), nonce: randomUrlSafe(), codeVerifier: createCodeVerifier(), redirectUri, scope: normaliseScope(scope) };
    const url = new URL(endpoint);
    const params = url.searchParams;
    params.set('response_type', 'code');
    params.set('client_id', this.clientId);
    params.set('redirect_uri', redirectUri);
    if (pending.scope) params.set('scope', pending.scope);
    params.set('state', pending.state);
    params.set('nonce', pending.nonce);
    params.set('code_challenge', await codeChallengeS256(pending.codeVerifier));
    params.set('code_challenge_method', 'S256');
    for (const value of typeof resource === 'string' ? [resource] : (resource ?? [])) params.append('resource', value);
    if (options.prompt) params.set('prompt', options.prompt);
    if (options.loginHint) params.set('login_hint', options.loginHint);
    const locales = typeof options.uiLocales === 'string' ? options.uiLocales : options.uiLocales?.join(' ');
    if (locales) params.set('ui_locales', locales);
    if (options.maxAge !== undefined) params.set('max_age', String(Math.max(0, Math.floor(options.maxAge))));
    return { url: url.toString(), pending };
  }

  /**
   * The code of a redirect back, after the checks of RFC 6749 §10.12 (state), RFC 9207 (`iss`: equal to the
   * issuer when present; required when the metadata promises it) and §4.1.2.1 (an error answer throws
   * `AuthorizationResponseError`). The state must be `pending.state`.
   */
  async authorizationCode(params: URLSearchParams, pending: PendingAuthorization): Promise<string> {
    if (params.get('state') !== pending.state) throw new SignInCallbackError('state_mismatch', 'the callback does not carry the state of the sign-in it answers');
    const metadata = await this.metadata();
    const iss = params.get('iss');
    if (iss !== null ? iss !== metadata.issuer : metadata.authorization_response_iss_parameter_supported === true) {
      throw new SignInCallbackError(
        'issuer_mismatch',
        iss === null ? 'the callback lacks the iss parameter the server promises (RFC 9207)' : `the callback comes from the issuer ${iss}, not ${metadata.issuer}`,
      );
    }
    const error = params.get('error');
    if (error !== null) throw new AuthorizationResponseError(error, params.get('error_description') ?? undefined);
    const code = params.get('code');
    if (code === null || code === '') throw new SignInCallbackError('invalid_response', 'the callback carries neither a code nor an error');
    return code;
  }

  /** Exchanges the code (with the PKCE verifier) for tokens, and validates the ID token against the nonce. */
  async exchangeCode(code: string, pending: PendingAuthorization): Promise<SignInTokens> {
    return this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: pending.redirectUri, code_verifier: pending.codeVerifier }, pending.scope, (idToken) =>
      this.verifyIdToken(idToken, { nonce: pending.nonce }),
    );
  }

  /**
   * Refreshes (RFC 6749 §6): the server rotates the refresh token, so the new one replaces the old; without a
   * new one the old stays. A new ID token must be of the same subject (OIDC Core §12.2); without one the old stays.
   */
  async refresh(previous: SignInTokens): Promise<SignInTokens> {
    if (previous.refreshToken === undefined) throw new TypeError('no refresh token to refresh with');
    const refreshed = await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: previous.refreshToken }, previous.scope, (idToken) =>
      this.verifyIdToken(idToken, { sub: previous.claims?.sub }),
    );
    return {
      ...refreshed,
      refreshToken: refreshed.refreshToken ?? previous.refreshToken,
      idToken: refreshed.idToken ?? previous.idToken,
      claims: refreshed.claims ?? previous.claims,
    };
  }

  /** Revokes a token (RFC 7009) if the server has a revocation endpoint; an unknown token is no error. */
  async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
    const endpoint = await this.endpoint('revocation_endpoint');
    if (endpoint === undefined) return;
    const response = await this.post(endpoint, { token, token_type_hint: hint });
    if (!response.ok) throw await oauthError(response);
    await response.body?.cancel();
  }

  /** The OpenID Connect UserInfo claims for an access token; their `sub` must be the ID token's (OIDC Core §5.3.4). */
  async userInfo(accessToken: string, expectedSub: string | undefined): Promise<Record<string, unknown>> {
    const endpoint = await this.endpoint('userinfo_endpoint');
    if (endpoint === undefined) throw new GatehouseResponseError(`the metadata of ${this.issuer} names no userinfo_endpoint`, 200);
    const response = await this.fetchImpl(endpoint, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, credentials: 'omit' });
    if (!response.ok) {
      const challenge = bearerChallenge(response.headers.get('www-authenticate'));
      await response.body?.cancel().catch(() => undefined);
      throw new GatehouseOAuthError(challenge?.params.error ?? `http_${response.status}`, challenge?.params.error_description, response.status);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!isRecord(body) || typeof body.sub !== 'string') throw new GatehouseResponseError('the userinfo endpoint answered without a sub', response.status);
    if (expectedSub !== undefined && body.sub !== expectedSub) throw new GatehouseResponseError('the userinfo endpoint answered for another subject than the ID token', response.status);
    return body;
  }

  /** The OpenID Connect RP-initiated logout URL, or undefined when the server has no end_session_endpoint. */
  async endSessionUrl(options: { idTokenHint?: string; postLogoutRedirectUri?: string; state?: string }): Promise<string | undefined> {
    const endpoint = await this.endpoint('end_session_endpoint');
    if (endpoint === undefined) return undefined;
    const url = new URL(endpoint);
    if (options.idTokenHint) url.searchParams.set('id_token_hint', options.idTokenHint);
    url.searchParams.set('client_id', this.clientId);
    if (options.postLogoutRedirectUri) url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
    if (options.state) url.searchParams.set('state', options.state);
    return url.toString();
  }

  private async tokenRequest(grant: Form, scope: string, verify: (idToken: string) => Promise<IdTokenClaims>): Promise<SignInTokens> {
    const { token_endpoint: endpoint } = await this.metadata();
    const requestedAt = this.now();
    const response = await this.post(endpoint, grant);
    if (!response.ok) throw await oauthError(response);
    const body: unknown = await response.json().catch(() => undefined);
    if (body === undefined) throw new GatehouseResponseError(`the token endpoint answered ${response.status} without JSON`, response.status);
    const parsed = parseTokenResponse(body, response.status);
    const idToken = isRecord(body) && typeof body.id_token === 'string' && body.id_token !== '' ? body.id_token : undefined;
    const claims = idToken === undefined ? undefined : await verify(idToken);
    return {
      accessToken: parsed.access_token,
      refreshToken: parsed.refresh_token,
      idToken,
      expiresIn: parsed.expires_in,
      expiresAt: parsed.expires_in === undefined ? undefined : requestedAt + parsed.expires_in * 1000,
      scope: parsed.scope ?? scope,
      claims,
    };
  }

  /** A form POST as a public client: `client_id` in the body, no cookies (`credentials: 'omit'`). */
  private post(endpoint: string, form: Form): Promise<Response> {
    const body = new URLSearchParams({ ...form, client_id: this.clientId });
    return this.fetchImpl(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      credentials: 'omit',
    });
  }

  /**
   * OpenID Connect Core §3.1.3.7: the signature with the issuer's keys (`jwks_uri`), `iss` = the issuer,
   * `aud` contains the client (and `azp`, when present, is the client), `exp` and `iat`, and the `nonce` of
   * the sign-in. After a refresh: the same `sub`.
   */
  private async verifyIdToken(idToken: string, expected: { nonce?: string; sub?: string | undefined }): Promise<IdTokenClaims> {
    const metadata = await this.metadata();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, (header, token) => this.verificationKey(header, token), {
        issuer: metadata.issuer,
        audience: this.clientId,
        algorithms: ID_TOKEN_ALGORITHMS,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        currentDate: new Date(this.now()),
        clockTolerance: this.clockTolerance,
      }));
    } catch (error) {
      if (error instanceof GatehouseResponseError) throw error;
      throw new SignInCallbackError('invalid_id_token', `the ID token is not valid: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (payload.azp !== undefined && payload.azp !== this.clientId) throw new SignInCallbackError('invalid_id_token', 'the ID token was issued to another client (azp)');
    if (expected.nonce !== undefined && payload.nonce !== expected.nonce) throw new SignInCallbackError('invalid_id_token', 'the ID token does not carry the nonce of this sign-in');
    if (expected.sub !== undefined && payload.sub !== expected.sub) throw new SignInCallbackError('invalid_id_token', 'the refreshed ID token is of another subject');
    return payload as IdTokenClaims;
  }

  /** The key of a JWS header from the issuer's JWKS (read again once when no key matches: keys rotate). */
  private async verificationKey(header: JWSHeaderParameters, token: FlattenedJWSInput) {
    const cached = this.keySet;
    const keys = cached?.keys ?? (await this.loadKeys());
    try {
      return await keys(header, token);
    } catch (error) {
      // Not more often than every 10 s: a token naming an unknown kid must not make us fetch on every call.
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || cached === undefined || this.now() - cached.fetchedAt < 10_000) throw error;
      return (await this.loadKeys())(header, token);
    }
  }

  private async loadKeys(): Promise<ReturnType<typeof createLocalJWKSet>> {
    const uri = await this.endpoint('jwks_uri');
    if (uri === undefined) throw new GatehouseResponseError(`the metadata of ${this.issuer} names no jwks_uri to validate ID tokens with`, 200);
    const response = await this.fetchImpl(uri, { headers: { accept: 'application/json' }, credentials: 'omit' });
    const body: unknown = response.ok ? await response.json().catch(() => undefined) : undefined;
    if (!isRecord(body) || !Array.isArray(body.keys)) throw new GatehouseResponseError(`the JWKS at ${uri} answered ${response.status} without keys`, response.status);
    const keys = createLocalJWKSet({ keys: body.keys as [] });
    this.keySet = { keys, fetchedAt: this.now() };
    return keys;
  }
}

/** Asymmetric algorithms only: an ID token is signed with one of the issuer's published keys. */
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

async function oauthError(response: Response): Promise<GatehouseOAuthError> {
  const body: unknown = await response.json().catch(() => undefined);
  const error = isRecord(body) && typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const description = isRecord(body) && typeof body.error_description === 'string' ? body.error_description : undefined;
  return new GatehouseOAuthError(error, description, response.status);
}
