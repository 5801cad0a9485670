import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { clientUnusableReason } from '../clients/client.js';
import type { ClientDirectory } from '../clients/client-directory.js';
import type { GatehouseConfig } from '../config/config.js';
import { SIGNING_ALGS } from '../shared/signing-algs.js';
import { ACCESS_TOKEN_TYP, type SigningKeys } from '../keys/signing-keys.js';
import { CacheStats } from '../shared/cache-stats.js';
import type { UserStatusCache } from '../users/user-status-cache.js';
import type { RevocationList } from './revocation-list.js';

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  client_id: string;
  exp: number;
  iat: number;
  jti: string;
  scope?: string;
  username?: string;
  /** A user's roles, in a token whose scope has `roles`. */
  roles?: string[];
  /** The refresh-token family the token was issued from (GRANT_ID_CLAIM). */
  grant_id?: string;
}

export type VerificationResult = { active: true; claims: AccessTokenClaims } | { active: false; reason: string };

/** Longest token accepted for verification; larger input is refused before any parsing. */
const MAX_TOKEN_LENGTH = 8 * 1024;

class UnknownKeyError extends Error {}

/** Signature checks remembered at most; the oldest leaves first. */
const MAX_VERIFIED_TOKENS = 20_000;

interface VerifiedToken {
  /** The whole token: a lookup by signature counts only when the token is exactly this one. */
  token: string;
  claims: AccessTokenClaims;
  kid: string;
}

/**
 * The key of a token in the cache of verified tokens: its signature (the text after the last dot). A Map
 * hashes its string keys character by character, and a token is 500-1,000 characters; its signature is
 * under a fifth of that and as unique (it signs the rest). The entry holds the whole token, compared
 * before it counts.
 */
function cacheKey(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}

/**
 * Checks an access token issued by this server: signature with a published key of the header's own
 * algorithm, `typ: at+jwt`, issuer, expiry, not-before, revocation, and that its client may still use it.
 * Reads memory only.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly keys: SigningKeys,
    private readonly revocations: RevocationList,
    private readonly directory: ClientDirectory,
    private readonly userStatus: UserStatusCache,
  ) {}

  /**
   * Tokens whose signature and claims were verified, by signature (`cacheKey`), each with its exact text:
   * the same bytes verify the same way, so a repeat only needs the time, key, revocation and client checks
   * (all in memory).
   */
  private readonly verified = new Map<string, VerifiedToken>();
  /** Lookups of tokens whose signature was verified before; a miss costs a signature check. */
  readonly stats = new CacheStats();

  async verify(token: string, options: { clockToleranceSeconds?: number } = {}): Promise<VerificationResult> {
    if (token.length > MAX_TOKEN_LENGTH || !hasThreeParts(token)) return { active: false, reason: 'malformed token' };
    const now = Date.now();
    const tolerance = options.clockToleranceSeconds ?? 0;
    const key = cacheKey(token);
    const cached = this.verified.get(key);
    // Another token with the same signature text (a forgery that copied it) is verified like any new token.
    const known = cached !== undefined && cached.token === token ? cached : undefined;
    this.stats.record(known !== undefined);
    if (known) {
      const seconds = now / 1000;
      if (known.claims.exp + tolerance <= seconds) return { active: false, reason: 'token expired' };
      if (typeof known.claims.nbf === 'number' && known.claims.nbf - tolerance > seconds) return { active: false, reason: 'token not yet valid' };
      if (known.claims.iss === this.config.issuer && this.keys.verificationKey(known.kid, now)) return this.stillAllowed(known.claims, now);
      this.verified.delete(key);
    }
    let payload: JWTPayload;
    let kid = '';
    try {
      ({ payload } = await jwtVerify(
        token,
        (header: JWTHeaderParameters) => {
          kid = String(header.kid);
          return this.keyFor(header, now);
        },
        {
          issuer: this.config.issuer,
          typ: ACCESS_TOKEN_TYP,
          algorithms: [...SIGNING_ALGS],
          requiredClaims: ['iss', 'sub', 'exp', 'iat', 'jti', 'client_id'],
          clockTolerance: tolerance,
          currentDate: new Date(now),
        },
      ));
    } catch (error) {
      return { active: false, reason: describe(error) };
    }
    const claims = payload as AccessTokenClaims;
    if (typeof claims.client_id !== 'string' || typeof claims.jti !== 'string') return { active: false, reason: 'malformed claims' };
    if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value ?? '');
    this.verified.set(key, { token, claims, kid });
    return this.stillAllowed(claims, now);
  }

  /** The checks that can change after issue: revocation, the client's state, the user's state. */
  private async stillAllowed(claims: AccessTokenClaims, now: number): Promise<VerificationResult> {
    // The token itself, or the grant it was issued from (RFC 7009 §2.1), revoked: both in memory.
    if (this.revocations.isRevoked(claims.jti, typeof claims.grant_id === 'string' ? claims.grant_id : undefined)) return { active: false, reason: 'token revoked' };
    // Every token of its client, or of its user, revoked up to a time (in memory too).
    if (this.revocations.revokedByCutoff(claims.client_id, claims.sub !== claims.client_id ? claims.sub : undefined, claims.iat * 1000)) {
      return { active: false, reason: 'token revoked' };
    }
    const client = this.directory.get(claims.client_id);
    if (!client) return { active: false, reason: 'client no longer exists' };
    const unusable = clientUnusableReason(client, now);
    if (unusable) return { active: false, reason: unusable };
    // A user token (sub is not the client) dies with its user's account.
    if (claims.sub !== claims.client_id && !(await this.userStatus.isActive(claims.sub))) {
      return { active: false, reason: 'user is disabled or gone' };
    }
    return { active: true, claims };
  }

  private keyFor(header: JWTHeaderParameters, now: number): KeyObject {
    if (typeof header.kid !== 'string') throw new UnknownKeyError('token has no kid');
    const key = this.keys.verificationKey(header.kid, now);
    // The key decides the algorithm: a header naming another one is refused (algorithm confusion).
    if (!key || key.alg !== header.alg) throw new UnknownKeyError('unknown key or algorithm');
    // An ID-token key never signs access tokens.
    if (key.purpose !== 'access_token') throw new UnknownKeyError('not an access-token key');
    return key.publicKey;
  }
}

/** Exactly two dots: the shape of a compact JWS (without splitting a token of hundreds of characters per request). */
function hasThreeParts(token: string): boolean {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  return second > 0 && token.indexOf('.', second + 1) < 0;
}

function describe(error: unknown): string {
  if (error instanceof UnknownKeyError) return error.message;
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return 'invalid token';
}
