import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '../clients/client.js';
import type { SecretDigester } from '../keys/secret-digest.js';
import type { RefreshTokensRepository, StoredRefreshToken } from '../store/refresh-tokens-repository.js';
import type { RevocationList } from './revocation-list.js';

/** Beyond the longest access-token lifetime, a revoked grant is remembered this much longer (a token signed just after), ms. */
const GRANT_REVOCATION_MARGIN_MS = 60_000;

export type RefreshOutcome = { ok: true; previous: StoredRefreshToken; refreshToken: string } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'other_client' | 'reused' };

/**
 * Opaque 256-bit refresh tokens with rotation and reuse detection (RFC 9700 §4.14.2). Revoking a family
 * (the grant) also revokes the access tokens issued from it (RFC 7009 §2.1), which carry its id.
 */
export class RefreshTokens {
  constructor(
    private readonly repository: RefreshTokensRepository,
    private readonly digester: SecretDigester,
    private readonly revocations: RevocationList,
    /** The longest lifetime of an access token, seconds (read when a grant is revoked). */
    private readonly maxAccessTokenLifetime: () => number,
  ) {}

  /** The id of a new family, to put in its first access token before `issue` stores the refresh token. */
  newFamilyId(): string {
    return randomUUID();
  }

  /**
   * Starts the family `familyId` for a user grant (its scope and RFC 8707 resources); returns the token
   * (shown to the client once).
   */
  async issue(client: Client, userId: string, scopes: string[], resources: string[], familyId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.repository.insert({
      tokenDigest: this.digester.digest(token),
      familyId,
      clientId: client.clientId,
      userId,
      scopes,
      resources,
      createdAt: now,
      expiresAt: now + client.refreshTokenLifetime * 1000,
      usedAt: null,
      revokedAt: null,
    });
    return token;
  }

  /** Looks a presented token up (for introspection and revocation). */
  find(token: string): Promise<StoredRefreshToken | undefined> {
    return this.repository.get(this.digester.digest(token));
  }

  /**
   * Exchanges a refresh token (as `find` returned it) for its successor. A token presented after it was
   * rotated revokes its whole family. Of concurrent exchanges of one token exactly one succeeds.
   */
  async rotate(stored: StoredRefreshToken | undefined, client: Client): Promise<RefreshOutcome> {
    const now = Date.now();
    if (!stored) return { ok: false, reason: 'unknown' };
    if (stored.clientId !== client.clientId) return { ok: false, reason: 'other_client' };
    if (stored.revokedAt !== null) return { ok: false, reason: 'revoked' };
    // Every token of its client or user revoked after it was created (see RevocationsRepository.revokeAllOf).
    if (this.revocations.revokedByCutoff(stored.clientId, stored.userId, stored.createdAt)) return { ok: false, reason: 'revoked' };
    if (stored.expiresAt <= now) return { ok: false, reason: 'expired' };
    if (stored.usedAt !== null) {
      await this.revokeFamily(stored);
      return { ok: false, reason: 'reused' };
    }
    const successor = randomBytes(32).toString('base64url');
    const won = await this.repository.rotate(
      stored.tokenDigest,
      {
        ...stored,
        tokenDigest: this.digester.digest(successor),
        createdAt: now,
        expiresAt: now + client.refreshTokenLifetime * 1000,
        usedAt: null,
        revokedAt: null,
      },
      now,
    );
    if (!won) {
      // Another request rotated it a moment ago: a second use of one token is reuse.
      await this.revokeFamily(stored);
      return { ok: false, reason: 'reused' };
    }
    return { ok: true, previous: stored, refreshToken: successor };
  }

  /**
   * Revokes every refresh token of the family and every access token issued from it, on every instance
   * (through the change feed), until the last of those access tokens has expired. Idempotent: a retry
   * after a failure completes what the first call did not. The grant is recorded revoked before its refresh
   * tokens are: whoever adds a token to the family and then finds the grant not revoked (`familyRevoked`) has
   * added it before the tokens were revoked.
   */
  async revokeFamily(family: Pick<StoredRefreshToken, 'familyId' | 'clientId'>): Promise<void> {
    const now = Date.now();
    await this.revocations.revokeGrant({ familyId: family.familyId, clientId: family.clientId, expiresAt: this.revokedGrantEnd(now) });
    await this.repository.revokeFamily(family.familyId, now);
  }

  /** Whether the family (grant) was revoked, read from the store (a revocation on any instance counts at once). */
  familyRevoked(familyId: string): Promise<boolean> {
    return this.revocations.grantRevokedInStore(familyId);
  }

  /** Until when a grant revoked at `now` stays recorded: past the end of the last access token it can have given. */
  revokedGrantEnd(now: number): number {
    return now + this.maxAccessTokenLifetime() * 1000 + GRANT_REVOCATION_MARGIN_MS;
  }
}
