import { CacheStats } from '../shared/cache-stats.js';
import type { Revocation, RevocationsRepository } from '../store/revocations-repository.js';

/** Revoked access-token ids held in memory until their tokens expire, so checks never read the store. */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  /** Checks of token ids; a hit is a revoked token. */
  readonly stats = new CacheStats();

  constructor(private readonly repository: RevocationsRepository) {}

  async loadAll(): Promise<void> {
    const now = Date.now();
    this.revoked.clear();
    for (const revocation of await this.repository.unexpired(now)) this.revoked.set(revocation.jti, revocation.expiresAt);
  }

  /** Re-reads one revocation after a change event. */
  async refresh(jti: string): Promise<void> {
    const revocation = await this.repository.get(jti);
    if (revocation) this.revoked.set(jti, revocation.expiresAt);
  }

  async revoke(revocation: Revocation): Promise<void> {
    await this.repository.revoke(revocation);
    this.revoked.set(revocation.jti, revocation.expiresAt);
  }

  isRevoked(jti: string): boolean {
    const revoked = this.revoked.has(jti);
    this.stats.record(revoked);
    return revoked;
  }

  /** Forgets revocations whose tokens have expired (they fail the exp check anyway). */
  prune(now: number): void {
    for (const [jti, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(jti);
  }

  get size(): number {
    return this.revoked.size;
  }
}
