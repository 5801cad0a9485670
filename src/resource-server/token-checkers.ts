import { createHash } from 'node:crypto';
import { authorizationServerMetadataUrl, trimIssuer } from '../shared/authorization-server-metadata-url.js';
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
 * issuer's path) and checks that it names the expected issuer (RFC 8414 §3.3).
 */
export async function discover(issuer: string, fetchImpl: typeof fetch = fetch): Promise<AuthorizationServerMetadata> {
  const response = await fetchImpl(authorizationServerMetadataUrl(issuer));
  if (!response.ok) throw new Error(`authorization server metadata: HTTP ${response.status}`);
  const metadata = (await response.json()) as AuthorizationServerMetadata;
  if (metadata.issuer !== trimIssuer(issuer)) throw new Error(`authorization server metadata names issuer ${metadata.issuer}, expected ${issuer}`);
  return metadata;
}

class KeySetUnavailable extends Error {}

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
      if (!metadata.jwks_uri) throw new Error('authorization server metadata has no jwks_uri');
      return createRemoteJWKSet(new URL(metadata.jwks_uri), {
        cooldownDuration: 30_000,
        cacheMaxAge: 10 * 60_000,
        ...(this.options.fetch ? { [customFetch]: this.options.fetch } : {}),
      });
    });
    this.verifier.catch(() => {
      this.verifier = undefined;
    });
    return this.verifier;
  }

  async check(token: string): Promise<TokenCheck> {
    const keys = await this.keys();
    // A key the token names but the set lacks refuses the token; a key set that cannot be read is the
    // issuer's trouble, not the token's, and answers 503 (thrown on to the guard).
    const keyFor: JWTVerifyGetKey = async (header, input) => {
      try {
        return await keys(header, input);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
        throw new KeySetUnavailable("the issuer's key set cannot be read", { cause: error });
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
      if (error instanceof KeySetUnavailable) throw error;
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
    this.endpoint ??= discover(this.options.issuer, this.options.fetch).then((metadata) => {
      if (!metadata.introspection_endpoint) throw new Error('authorization server metadata has no introspection_endpoint');
      return metadata.introspection_endpoint;
    });
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
    const response = await (this.options.fetch ?? fetch)(await this.introspectionEndpoint(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encode(this.options.clientId)}:${encode(this.options.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    if (!response.ok) throw new Error(`introspection: HTTP ${response.status}`);
    const body = (await response.json()) as { active?: boolean; token_type?: string } & JWTPayload & { client_id?: string; scope?: string };
    if (body.active !== true) return { active: false, reason: 'inactive' };
    if (body.token_type !== undefined && body.token_type.toLowerCase() !== 'bearer') return { active: false, reason: 'not an access token' };
    const audiences = Array.isArray(body.aud) ? body.aud : body.aud === undefined ? [] : [body.aud];
    const accepted = Array.isArray(this.options.audience) ? this.options.audience : [this.options.audience];
    if (!audiences.some((audience) => accepted.includes(audience))) return { active: false, reason: 'audience' };
    return { active: true, claims: body };
  }
}
