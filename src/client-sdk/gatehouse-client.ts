import { CredentialPresenter, type ClientCredentials } from './client-authentication.js';
import { discoverMetadata, trimIssuer, type AuthorizationServerMetadata } from './discovery.js';
import { GatehouseOAuthError, MissingChallengeHandlerError, SecurityCheckFailedError, ChallengeRoundsExceededError } from './errors.js';
import { normaliseScope, type ScopeInput } from './scope.js';
import type { ChallengeHandler } from './challenge-flow.js';
import { TokenEndpoint, type TokenAnswer } from './token-endpoint.js';
import { networkErrorsNamed } from './network.js';
import { bearerChallenge } from './www-authenticate.js';

export interface GatehouseClientOptions {
  /** Gatehouse's issuer URL; the metadata is read from its `/.well-known/oauth-authorization-server` (once). */
  issuer: string;
  /** How the client authenticates: its secret or its private key. */
  credentials: ClientCredentials;
  /** Obtain user tokens with the password grant (and the client's credentials) instead of client tokens. */
  user?: { username: string; password: string };
  /** The scope of `getToken()` and `request()` when none is given (default: none, i.e. the server's default). */
  scope?: ScopeInput;
  /**
   * A token is renewed this long before it expires: the smaller of `renewBeforeSeconds` (default 30) and
   * `renewBeforeFraction` (default 0.1) of its lifetime, so short-lived tokens are still used.
   */
  renewBeforeSeconds?: number;
  renewBeforeFraction?: number;
  /** Rounds of challenge answers per token request before giving up (default 5). */
  maxChallengeRounds?: number;
  /** The fetch to use (default the global one): for tests, proxies, instrumentation. */
  fetch?: typeof fetch;
  /** The clock in milliseconds (default `Date.now`). */
  now?: () => number;
}

/** An access token as the client holds it. */
export interface AccessToken {
  accessToken: string;
  /** The scope the server granted (as it said), or the requested one when it did not say. */
  scope: string;
  /** When the token expires (ms since the epoch); undefined when the server gave no `expires_in`. */
  expiresAt: number | undefined;
}

interface CachedToken extends AccessToken {
  /** From then on `getToken` obtains a new one. */
  renewAt: number;
}

/** `fetch` options of `request()`, plus the scope the token must have. */
export type GatehouseRequestInit = RequestInit & { scope?: ScopeInput };

/** Remembered scopes of resources (from their 403 answers): at most this many. */
const LEARNED_SCOPES_LIMIT = 256;

/**
 * A client of Gatehouse for Node.js and browsers (fetch and WebCrypto only): obtains access tokens with the
 * client's credentials (or a user's password), caches them per scope, renews them before they expire,
 * answers security-check challenges with registered handlers, and calls resources with them.
 */
export class GatehouseClient {
  readonly issuer: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly defaultScope: string;
  private readonly tokenEndpoint: TokenEndpoint;
  private readonly authenticator: CredentialPresenter;
  private readonly handlers = new Map<string, ChallengeHandler>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly pending = new Map<string, Promise<CachedToken>>();
  /** `METHOD url-without-query` -> the scope its 403 asked for. */
  private readonly learnedScopes = new Map<string, string>();
  private metadataPromise: Promise<AuthorizationServerMetadata> | undefined;

  constructor(private readonly options: GatehouseClientOptions) {
    this.issuer = trimIssuer(options.issuer);
    this.fetchImpl = networkErrorsNamed(options.fetch);
    this.now = options.now ?? (() => Date.now());
    this.defaultScope = normaliseScope(options.scope);
    this.authenticator = new CredentialPresenter(options.credentials, this.now);
    this.tokenEndpoint = new TokenEndpoint({
      metadata: () => this.metadata(),
      authenticator: this.authenticator,
      fetch: this.fetchImpl,
      challengeHandler: (check) => this.handlers.get(check),
      maxChallengeRounds: options.maxChallengeRounds ?? 5,
    });
  }

  get clientId(): string {
    return this.authenticator.clientId;
  }

  /** The issuer's RFC 8414 metadata, read once (a failed read is tried again on the next call). */
  metadata(): Promise<AuthorizationServerMetadata> {
    if (!this.metadataPromise) {
      const loading = discoverMetadata(this.issuer, this.fetchImpl);
      this.metadataPromise = loading;
      loading.catch(() => {
        if (this.metadataPromise === loading) this.metadataPromise = undefined;
      });
    }
    return this.metadataPromise;
  }

  /**
   * Registers the handler of a security check's challenges (replacing an earlier one). It gets the
   * challenge object the server sent for the check and returns the answer. Returns a function that removes it.
   */
  registerChallengeHandler<Challenge = unknown, Answer = unknown>(check: string, handler: ChallengeHandler<Challenge, Answer>): () => void {
    const registered = handler as ChallengeHandler;
    this.handlers.set(check, registered);
    return () => {
      if (this.handlers.get(check) === registered) this.handlers.delete(check);
    };
  }

  /** An access token for the scope (default: the configured scope): cached, renewed, one request at a time per scope. */
  async getToken(scope?: ScopeInput): Promise<string> {
    return (await this.getAccessToken(scope)).accessToken;
  }

  /** Like `getToken`, with the granted scope and expiry. */
  async getAccessToken(scope?: ScopeInput): Promise<AccessToken> {
    const key = scope === undefined ? this.defaultScope : normaliseScope(scope);
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.renewAt) return publicView(cached);
    let pending = this.pending.get(key);
    if (!pending) {
      const obtaining = this.obtain(key);
      pending = obtaining;
      this.pending.set(key, obtaining);
      const forget = () => {
        if (this.pending.get(key) === obtaining) this.pending.delete(key);
      };
      obtaining.then(forget, forget);
    }
    return publicView(await pending);
  }

  /**
   * Forgets the cached access token of a scope (only if it is still `token`, when given), so the next
   * call obtains a new one; a refresh token stays and is used for that.
   */
  invalidateToken(scope?: ScopeInput, token?: string): void {
    const key = scope === undefined ? this.defaultScope : normaliseScope(scope);
    if (token === undefined || this.tokens.get(key)?.accessToken === token) this.tokens.delete(key);
  }

  /** Forgets all cached access and refresh tokens (nothing is sent to the server). */
  clearTokens(): void {
    this.tokens.clear();
    this.refreshTokens.clear();
  }

  /**
   * Revokes the cached refresh and access tokens at the server (RFC 7009) and forgets them. Tokens the
   * server does not know are no error; an unreachable revocation endpoint is.
   */
  async revokeTokens(): Promise<void> {
    const metadata = await this.metadata();
    const endpoint = metadata.revocation_endpoint;
    const refreshTokens = [...this.refreshTokens.values()];
    const accessTokens = [...this.tokens.values()].map((token) => token.accessToken);
    this.clearTokens();
    if (!endpoint) return;
    for (const [token, hint] of [...refreshTokens.map((token) => [token, 'refresh_token'] as const), ...accessTokens.map((token) => [token, 'access_token'] as const)]) {
      const form = new URLSearchParams({ token, token_type_hint: hint });
      const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' });
      await this.authenticator.apply(endpoint, headers, form);
      const response = await this.fetchImpl(endpoint, { method: 'POST', headers, body: form.toString(), credentials: 'omit' });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: unknown; error_description?: unknown };
        throw new GatehouseOAuthError(
          typeof body.error === 'string' ? body.error : `http_${response.status}`,
          typeof body.error_description === 'string' ? body.error_description : undefined,
          response.status,
        );
      }
      await response.body?.cancel();
    }
  }

  /**
   * `fetch` with the access token (`Authorization: Bearer`) for `init.scope` (default: the scope the
   * resource asked for before, else the configured one). A 401 `invalid_token` drops the token and retries
   * once with a new one; a 403 `insufficient_scope` obtains a token with the scope the resource names
   * (running challenge handlers) and retries once. A body that is a stream can be sent only once: then the
   * 401 or 403 is returned as it came (the token is still dropped, or the scope remembered, for the next call).
   */
  async request(input: string | URL | Request, init: GatehouseRequestInit = {}): Promise<Response> {
    const { scope: requestedScope, ...fetchInit } = init;
    const resourceKey = learnedScopeKey(input, fetchInit);
    const scope = requestedScope !== undefined ? normaliseScope(requestedScope) : (this.learnedScopes.get(resourceKey) ?? this.defaultScope);
    const repeatable = canRepeat(input, fetchInit);
    // A Request's body can be read once: keep an untouched copy for a retry.
    const spare = input instanceof Request && repeatable ? input.clone() : undefined;

    const send = async (target: string | URL | Request, token: string) => {
      const headers = new Headers(target instanceof Request ? target.headers : undefined);
      new Headers(fetchInit.headers).forEach((value, name) => headers.set(name, value));
      headers.set('authorization', `Bearer ${token}`);
      return this.fetchImpl(target, { ...fetchInit, headers });
    };

    const token = await this.getToken(scope);
    const response = await send(input, token);
    const unused = () => void spare?.body?.cancel().catch(() => undefined);
    if (response.status !== 401 && response.status !== 403) {
      unused();
      return response;
    }
    const challenge = bearerChallenge(response.headers.get('www-authenticate'));

    let retryScope: string;
    if (response.status === 401 && challenge?.params.error === 'invalid_token') {
      this.invalidateToken(scope, token);
      retryScope = scope;
    } else if (response.status === 403 && challenge?.params.error === 'insufficient_scope' && challenge.params.scope !== undefined) {
      retryScope = normaliseScope(challenge.params.scope);
      if (retryScope === scope) {
        unused(); // the token has what the resource names: asking again cannot help
        return response;
      }
      if (requestedScope === undefined) this.rememberScope(resourceKey, retryScope);
    } else {
      unused();
      return response;
    }
    if (!repeatable) return response;
    await response.body?.cancel().catch(() => undefined);
    return send(spare ?? input, await this.getToken(retryScope));
  }

  private rememberScope(resourceKey: string, scope: string): void {
    this.learnedScopes.delete(resourceKey);
    this.learnedScopes.set(resourceKey, scope);
    if (this.learnedScopes.size > LEARNED_SCOPES_LIMIT) {
      const oldest = this.learnedScopes.keys().next().value;
      if (oldest !== undefined) this.learnedScopes.delete(oldest);
    }
  }

  /** A new token for the scope: with the refresh token if there is one, else (or if it is refused) a new grant. */
  private async obtain(scope: string): Promise<CachedToken> {
    const refreshToken = this.refreshTokens.get(scope);
    if (refreshToken !== undefined) {
      try {
        return await this.grant({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope ? { scope } : {}) }, scope);
      } catch (error) {
        if (!isRefusedRefresh(error)) throw error;
        if (this.refreshTokens.get(scope) === refreshToken) this.refreshTokens.delete(scope);
      }
    }
    const user = this.options.user;
    const params: Record<string, string> = user ? { grant_type: 'password', username: user.username, password: user.password } : { grant_type: 'client_credentials' };
    if (scope) params.scope = scope;
    return this.grant(params, scope);
  }

  private async grant(params: Record<string, string>, scope: string): Promise<CachedToken> {
    const requestedAt = this.now();
    const response = await this.tokenEndpoint.request(params, scope);
    const token = this.cacheEntry(response, scope, requestedAt);
    this.tokens.set(scope, token);
    if (response.refresh_token !== undefined) this.refreshTokens.set(scope, response.refresh_token);
    return token;
  }

  private cacheEntry(response: TokenAnswer, scope: string, requestedAt: number): CachedToken {
    const lifetime = response.expires_in;
    if (lifetime === undefined) return { accessToken: response.access_token, scope: response.scope ?? scope, expiresAt: undefined, renewAt: Number.POSITIVE_INFINITY };
    // Counted from when the request left: the server's clock started no earlier.
    const expiresAt = requestedAt + lifetime * 1000;
    const margin = Math.min((this.options.renewBeforeSeconds ?? 30) * 1000, (this.options.renewBeforeFraction ?? 0.1) * lifetime * 1000);
    return { accessToken: response.access_token, scope: response.scope ?? scope, expiresAt, renewAt: expiresAt - margin };
  }
}

function publicView(token: CachedToken): AccessToken {
  return { accessToken: token.accessToken, scope: token.scope, expiresAt: token.expiresAt };
}

/** A refused refresh (expired, revoked, reused token, ...) falls back to a new grant; challenges and check failures do not. */
function isRefusedRefresh(error: unknown): boolean {
  return (
    error instanceof GatehouseOAuthError &&
    !(error instanceof MissingChallengeHandlerError || error instanceof SecurityCheckFailedError || error instanceof ChallengeRoundsExceededError) &&
    error.error !== 'invalid_client'
  );
}

/** Whether the request can be sent a second time: not with a stream (or other one-shot) body. */
function canRepeat(input: string | URL | Request, init: RequestInit): boolean {
  const body = init.body;
  if (body !== undefined && body !== null) {
    return typeof body === 'string' || body instanceof URLSearchParams || body instanceof FormData || body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body);
  }
  return !(input instanceof Request && input.bodyUsed);
}

function learnedScopeKey(input: string | URL | Request, init: RequestInit): string {
  const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const url = input instanceof Request ? input.url : input.toString();
  return `${method} ${url.split(/[?#]/)[0] ?? url}`;
}
