import type { AccessTokenClaims, AccessTokenVerifier } from '../oauth/access-token-verifier.js';
import { BearerChallenge } from './bearer-challenge.js';

/** Who called a protected resource, as the guard puts it on the request. */
export interface ResourceCaller {
  clientId: string;
  sub: string;
  scope: string[];
  claims: AccessTokenClaims;
}

export interface GuardOptions {
  /** Audiences the resource accepts (Gatehouse's own resources: the issuer). */
  audiences: () => string[];
  /** Leeway for exp and nbf, seconds. */
  clockToleranceSeconds: number;
  /** Other names a required scope element may be granted under (e.g. the aliases of the user-API scope). */
  aliases?: ReadonlyMap<string, readonly string[]>;
}

/** Reads the bearer token of an Authorization header (RFC 6750 §2.1); undefined when there is none. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  if (!match?.[1]) throw new BearerChallenge(400, 'invalid_request', 'malformed Authorization header; expected Bearer <token>');
  return match[1];
}

/**
 * The resource guard: a valid access token (signature, iss, aud, typ, exp/nbf, revocation, client
 * still allowed) that carries every element of the required scope. Shared by every protected resource.
 */
export class ResourceGuard {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly options: GuardOptions,
  ) {}

  /** Returns the caller, or throws a BearerChallenge (401 without/with a bad token, 403 for missing scope). */
  async check(token: string | undefined, requiredScope: readonly string[]): Promise<ResourceCaller> {
    if (token === undefined) throw new BearerChallenge(401, undefined, 'an access token is required');
    const result = await this.verifier.verify(token, { clockToleranceSeconds: this.options.clockToleranceSeconds });
    if (!result.active) throw new BearerChallenge(401, 'invalid_token', `the access token is not valid (${result.reason})`);
    const { claims } = result;
    const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
    const accepted = this.options.audiences();
    if (!audiences.some((audience) => accepted.includes(audience))) {
      throw new BearerChallenge(401, 'invalid_token', 'the access token is meant for another audience');
    }
    const scope = typeof claims.scope === 'string' && claims.scope !== '' ? claims.scope.split(' ') : [];
    const aliases = this.options.aliases;
    const missing = requiredScope.filter((element) => !scope.includes(element) && !(aliases?.get(element)?.some((alias) => scope.includes(alias)) ?? false));
    if (missing.length > 0) {
      throw new BearerChallenge(403, 'insufficient_scope', `the access token lacks the scope ${missing.join(' ')}`, requiredScope.join(' '));
    }
    return { clientId: claims.client_id, sub: claims.sub, scope, claims };
  }
}
