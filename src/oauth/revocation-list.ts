import { CacheStats } from '../shared/cache-stats.js';
import { cutoffRef, type CutoffSubject, type GrantRevocation, type Revocation, type RevocationsRepository } from '../store/revocations-repository.js';

/**
 * Revoked access-token ids, and revoked grants (refresh-token families, whose access tokens carry the
 * family id), held in memory until their tokens expire, so checks never read the store.
 */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private readonly revokedGrants = new Map<string, number>();
  /** `client:<id>` / `user:<id>` → epoch ms at or before which their access tokens were issued revoked. */
  private readonly cutoffs = new Map<string, number>();
  /** Checks of token ids; a hit is a revoked token. */
  readonly stats = new CacheStats();

  constructor(private readonly repository: RevocationsRepository) {}

  async loadAll(): Promise<void> {
    const now = Date.now();
    const [tokens, grants, cutoffs] = await Promise.all([this.repository.unexpired(now), this.repository.unexpiredGrants(now), this.repository.allCutoffs()]);
    this.cutoffs.clear();
    for (const cutoff of cutoffs) this.cutoffs.set(cutoffRef(cutoff.subject, cutoff.subjectId), cutoff.revokedBefore);
    this.revoked.clear();
    for (const revocation of tokens) this.revoked.set(revocation.jti, revocation.expiresAt);
    this.revokedGrants.clear();
    for (const revocation of grants) this.revokedGrants.set(revocation.familyId, revocation.expiresAt);
  }

  /** Re-reads one revocation after a change event. */
  async refresh(jti: string): Promise<void> {
    const revocation = await this.repository.get(jti);
    if (revocation) this.revoked.set(jti, revocation.expiresAt);
  }

  /** Re-reads one revoked grant after a change event. */
  async refreshGrant(familyId: string): Promise<void> {
    const revocation = await this.repository.getGrant(familyId);
    if (revocation) this.revokedGrants.set(familyId, revocation.expiresAt);
  }

  /** Re-reads one cutoff (`client:<id>` / `user:<id>`) after a change event. */
  async refreshCutoff(ref: string): Promise<void> {
    const cutoff = await this.repository.getCutoff(ref);
    if (cutoff) this.cutoffs.set(ref, Math.max(cutoff.revokedBefore, this.cutoffs.get(ref) ?? 0));
  }

  /** Revokes every token of a client or a user: refresh tokens in the store, access tokens by a cutoff time (every instance). */
  async revokeAllOf(subject: CutoffSubject, subjectId: string): Promise<{ revokedBefore: number; refreshTokens: number }> {
    const result = await this.repository.revokeAllOf(subject, subjectId);
    const ref = cutoffRef(subject, subjectId);
    this.cutoffs.set(ref, Math.max(result.revokedBefore, this.cutoffs.get(ref) ?? 0));
    return result;
  }

  /**
   * Whether something issued at `issuedAtMs` to the client (and the user, for a user's token) falls under a cutoff
   * (all their tokens revoked). Access tokens pass `iat` × 1000: one issued in the second of the revocation, even
   * just after it, is refused too.
   */
  revokedByCutoff(clientId: string, userId: string | undefined, issuedAtMs: number): boolean {
    if (this.cutoffs.size === 0) return false;
    const byClient = this.cutoffs.get(cutoffRef('client', clientId));
    if (byClient !== undefined && issuedAtMs <= byClient) return true;
    if (userId === undefined) return false;
    const byUser = this.cutoffs.get(cutoffRef('user', userId));
    return byUser !== undefined && issuedAtMs <= byUser;
  }

  async revoke(revocation: Revocation): Promise<void> {
    await this.repository.revoke(revocation);
    this.revoked.set(revocation.jti, revocation.expiresAt);
  }

  /** RFC 7009 §2.1: the access tokens of a revoked refresh-token family are refused until `expiresAt`. */
  async revokeGrant(revocation: GrantRevocation): Promise<void> {
    await this.repository.revokeGrant(revocation);
    this.revokedGrants.set(revocation.familyId, Math.max(revocation.expiresAt, this.revokedGrants.get(revocation.familyId) ?? 0));
  }

  /** Whether the grant `familyId` is revoked, as the store says (every instance's revocations, at once). */
  async grantRevokedInStore(familyId: string): Promise<boolean> {
    return (await this.repository.getGrant(familyId)) !== undefined;
  }

  /** Whether the token `jti`, or the grant `familyId` it was issued from (if any), is revoked. */
  isRevoked(jti: string, familyId?: string): boolean {
    const revoked = this.revoked.has(jti) || (familyId !== undefined && this.revokedGrants.has(familyId));
    this.stats.record(revoked);
    return revoked;
  }

  /** Forgets revocations whose tokens have expired (they fail the exp check anyway). */
  prune(now: number): void {
    for (const [jti, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(jti);
    for (const [familyId, expiresAt] of this.revokedGrants) if (expiresAt <= now) this.revokedGrants.delete(familyId);
  }

  get size(): number {
    return this.revoked.size + this.revokedGrants.size;
  }
}
