import type { Logger } from 'pino';
import { usedAssertionKey, type UsedAssertionClaim, type UsedAssertionsRepository } from '../../store/used-assertions-repository.js';

/** Claims per INSERT at most. */
export const MAX_CLAIMS_PER_STATEMENT = 1_000;

interface Waiting extends UsedAssertionClaim {
  key: string;
  resolve(isNew: boolean): void;
  reject(error: unknown): void;
}

/**
 * Claims of single-use assertion ids, written in groups: the claims made while the event loop works through
 * one round of requests go to the store as one INSERT (one commit) on the next turn. On the embedded store
 * each commit waits for the disk (synchronous=FULL, about 1 ms here) on the event loop, so one commit per
 * private_key_jwt request capped those requests at a few hundred per second. Each claim still answers only
 * after its commit, so a replay is refused across requests and (through the database) across instances.
 */
export class AssertionClaims {
  private pending: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly repository: Pick<UsedAssertionsRepository, 'claimMany'>,
    private readonly logger?: Pick<Logger, 'error'>,
  ) {}

  /** Records the id; resolves false when it was used before (a replay), also within the same group. */
  claim(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ clientId, jti, expiresAt, key: usedAssertionKey(clientId, jti), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.write());
      }
    });
  }

  private async write(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    this.scheduled = false;
    // The same id twice in one group: the first claim decides, the others are replays.
    const first = new Map<string, Waiting>();
    const repeats: Waiting[] = [];
    for (const claim of group) {
      if (first.has(claim.key)) repeats.push(claim);
      else first.set(claim.key, claim);
    }
    for (const repeat of repeats) repeat.resolve(false);
    const distinct = [...first.values()];
    // Bounded statements: SQLite takes at most 32,766 parameters (3 per claim).
    for (let start = 0; start < distinct.length; start += MAX_CLAIMS_PER_STATEMENT) await this.writeChunk(distinct.slice(start, start + MAX_CLAIMS_PER_STATEMENT));
  }

  private async writeChunk(chunk: Waiting[]): Promise<void> {
    try {
      const inserted = await this.repository.claimMany(chunk);
      for (const claim of chunk) claim.resolve(inserted.has(claim.key));
    } catch (error) {
      this.logger?.error({ err: error, claims: chunk.length }, 'could not record used assertion ids');
      for (const claim of chunk) claim.reject(error);
    }
  }
}
