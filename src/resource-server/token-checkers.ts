import { createHash } from 'node:crypto';
import { authorizationServerMetadataUrl, trimIssuer } from '../shared/authorization-server-metadata-url.js';
import { displayUrl } from '../shared/display-url.js';
import { askAuthorizationServer, AuthorizationServerError, statusError } from './authorization-server-error.js';
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** What a checker learned about a token: its claims when active, else why not. */
export type TokenCheck = { active: true; claims: JWTPayload & { client_id?: string; scope?: string } } | { active: false; reason: string };

export interface TokenChecker {
  check(token: string): Promise<TokenCheck>;
}

export interface AuthorizationServerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
}

/** Algorithms Gatehouse signs with; anything else (none, HS*) is refused. */
const ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'];

/**
 * Reads RFC 8414 metadata from the well-known URL of RFC 8414 §3.1 (the suffix between the host and the
 * issuer's path) and checks that it names the expected issuer (RFC 8414 §3.3). Failures are
 * `AuthorizationServerError`s: `metadata_not_found` and `issuer_mismatch` (a wrong `issuer`), `unreachable`,
 * `unavailable`, `unexpected_answer`.
 */
export async function discover(issuer: string, fetchImpl: typeof fetch = fetch): Promise<AuthorizationServerMetadata> {
  const url = authorizationServerMetadataUrl(issuer);
  const what = 'the authorization server metadata';
  const response = await askAuthorizationServer(fetchImpl, url, { headers: { accept: 'application/json' } }, what);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw statusError(response, url, what, 'metadata_not_found', `check the resource server's issuer setting (${issuer}): it must be Gatehouse's issuer URL`);
  }
  const metadata = (await response.json().catch(() => undefined)) as Partial<AuthorizationServerMetadata> | undefined;
  if (metadata === undefined || metadata === null || typeof metadata.issuer !== 'string') {
    throw new AuthorizationServerError('unexpected_answer', `${what} at ${displayUrl(url)} is not RFC 8414 metadata (no JSON with an issuer)`, displayUrl(url), response.status);
  }
  if (metadata.issuer !== trimIssuer(issuer)) {
    throw new AuthorizationServerError(
      'issuer_mismatch',
      `${what} at ${displayUrl(url)} names the issuer ${metadata.issuer}, not ${trimIssuer(issuer)}: set the resource server's issuer to ${metadata.issuer}`,
      displayUrl(url),
      response.status,
    );
  }
  return metadata as AuthorizationServerMetadata;
}

/** The endpoint the metadata must name for a mode, or `endpoint_missing`. */
function requiredEndpoint(metadata: AuthorizationServerMetadata, name: 'jwks_uri' | 'introspection_endpoint', issuer: string): string {
  const value = metadata[name];
  if (typeof value === 'string' && value !== '') return value;
  const url = displayUrl(authorizationServerMetadataUrl(issuer));
  throw new AuthorizationServerError('endpoint_missing', `the authorization server metadata at ${url} names no ${name}`, url, 200);
}

/**
 * Local verification against the issuer's JWKS: keys come from the metadata's jwks_uri only (never from
 * a URL or key inside the token), are cached, and are fetched again when a token names an unknown kid.
 * A revoked token stays valid here until it expires: use introspection where that matters.
 */
export class JwksTokenChecker implements TokenChecker {
  private verifier: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  constructor(private readonly options: { issuer: string; audience: string | string[]; clockToleranceSeconds: number; fetch?: typeof fetch }) {}

  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.verifier ??= discover(this.options.issuer, this.options.fetch).then((metadata) => {
      const jwksUri = requiredEndpoint(metadata, 'jwks_uri', this.options.issuer);
      return createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, [customFetch]: this.keySetFetch() });
    });
    this.verifier.catch(() => {
      this.verifier = undefined;
    });
    return this.verifier;
  }

  /** jose's fetch of the key set: a failure or a non-2xx answer is an `AuthorizationServerError` that says which. */
  private keySetFetch(): typeof fetch {
    const fetchImpl = this.options.fetch ?? fetch;
    return async (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      const response = await askAuthorizationServer(fetchImpl, url, init ?? {}, "the issuer's key set (jwks_uri)");
      if (response.ok) return response;
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response, url, "the issuer's key set (jwks_uri)", 'jwks_not_found', 'the jwks_uri of the metadata must serve the key set');
    };
  }

  async check(token: string): Promise<TokenCheck> {
    const keys = await this.keys();
    // A key the token names but the set lacks refuses the token; a key set that cannot be read is the
    // issuer's trouble (or this service's settings), not the token's: thrown on to the guard.
    const keyFor: JWTVerifyGetKey = async (header, input) => {
      try {
        return await keys(header, input);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
        throw keySetError(error);
      }
    };
    try {
      const { payload } = await jwtVerify(token, keyFor, {
        issuer: this.options.issuer.replace(/\/+$/, ''),
        audience: this.options.audience,
        typ: 'at+jwt',
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
        clockTolerance: this.options.clockToleranceSeconds,
      });
      return { active: true, claims: payload };
    } catch (error) {
      if (error instanceof AuthorizationServerError) throw error;
      return { active: false, reason: error instanceof errors.JOSEError ? error.code : 'invalid token' };
    }
  }
}

interface CachedIntrospection {
  result: TokenCheck;
  until: number;
}

/**
 * RFC 7662 introspection at the issuer, authenticated as a client. Answers may be cached for
 * `cacheSeconds` (never past the token's exp); the default 0 sees a revocation at once.
 */
export class IntrospectionTokenChecker implements TokenChecker {
  private endpoint: Promise<string> | undefined;
  private readonly cache = new Map<string, CachedIntrospection>();

  constructor(
    private readonly options: {
      issuer: string;
      audience: string | string[];
      clientId: string;
      clientSecret: string;
      cacheSeconds: number;
      maxCacheEntries?: number;
      fetch?: typeof fetch;
    },
  ) {}

  private introspectionEndpoint(): Promise<string> {
    this.endpoint ??= discover(this.options.issuer, this.options.fetch).then((metadata) => requiredEndpoint(metadata, 'introspection_endpoint', this.options.issuer));
    this.endpoint.catch(() => {
      this.endpoint = undefined;
    });
    return this.endpoint;
  }

  async check(token: string): Promise<TokenCheck> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.result;
    const result = await this.introspect(token);
    if (this.options.cacheSeconds > 0) {
      const exp = result.active && typeof result.claims.exp === 'number' ? result.claims.exp * 1000 : Infinity;
      const until = Math.min(now + this.options.cacheSeconds * 1000, exp);
      if (this.cache.size >= (this.options.maxCacheEntries ?? 10_000)) this.cache.delete(this.cache.keys().next().value ?? '');
      this.cache.set(key, { result, until });
    }
    return result;
  }

  private async introspect(token: string): Promise<TokenCheck> {
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    const endpoint = await this.introspectionEndpoint();
    const what = 'the introspection endpoint';
    const response = await askAuthorizationServer(
      this.options.fetch ?? fetch,
      endpoint,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${encode(this.options.clientId)}:${encode(this.options.clientSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      },
      what,
    );
    if (response.status === 401 || response.status === 403) throw await credentialsRejected(response, endpoint, this.options.clientId);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response, endpoint, what, 'unexpected_answer', 'check the introspection_endpoint of the metadata');
    }
    const body = (await response.json().catch(() => undefined)) as ({ active?: boolean; token_type?: string } & JWTPayload & { client_id?: string; scope?: string }) | undefined;
    if (typeof body !== 'object' || body === null) {
      throw new AuthorizationServerError('unexpected_answer', `${what} at ${displayUrl(endpoint)} answered ${response.status} without a JSON object`, displayUrl(endpoint), response.status);
    }
    if (body.active !== true) return { active: false, reason: 'inactive' };
    if (body.token_type !== undefined && body.token_type.toLowerCase() !== 'bearer') return { active: false, reason: 'not an access token' };
    const audiences = Array.isArray(body.aud) ? body.aud : body.aud === undefined ? [] : [body.aud];
    const accepted = Array.isArray(this.options.audience) ? this.options.audience : [this.options.audience];
    if (!audiences.some((audience) => accepted.includes(audience))) return { active: false, reason: 'audience' };
    return { active: true, claims: body };
  }
}

/**
 * Introspection refused this resource server (RFC 7662 §2.1: it must authenticate): its client id or secret is
 * wrong, the client was disabled or deleted, or it may not introspect. The server's `error` is kept (never the secret).
 */
async function credentialsRejected(response: Response, endpoint: string, clientId: string): Promise<AuthorizationServerError> {
  const body: unknown = await response.json().catch(() => undefined);
  const code = typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : undefined;
  const shown = displayUrl(endpoint);
  return new AuthorizationServerError(
    'credentials_rejected',
    `the introspection endpoint at ${shown} refused this resource server's credentials (${response.status}${code ? ` ${code}` : ''}): ` +
      `check introspection.clientId (${clientId}) and introspection.clientSecret, and that the client is enabled`,
    shown,
    response.status,
  );
}

/** A key set that could not be read: the error jose passed on, or one of the fetch's `AuthorizationServerError`s. */
function keySetError(error: unknown): AuthorizationServerError {
  if (error instanceof AuthorizationServerError) return error;
  if (error instanceof errors.JWKSTimeout) return new AuthorizationServerError('unreachable', "the issuer's key set (jwks_uri) did not answer in time", '', undefined, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new AuthorizationServerError('unexpected_answer', `the issuer's key set (jwks_uri) cannot be read: ${detail}`, '', undefined, { cause: error });
}
