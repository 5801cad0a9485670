import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database } from './schema.js';

export interface UsedAssertionClaim {
  clientId: string;
  jti: string;
  /** Epoch milliseconds after which the id may be forgotten. */
  expiresAt: number;
}

/** One string per (client, jti): JSON keeps any pair of strings apart. */
export function usedAssertionKey(clientId: string, jti: string): string {
  return JSON.stringify([clientId, jti]);
}

/** Single-use ids of client assertions, shared by every instance on the database. */
export class UsedAssertionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records several ids in one statement (one commit); returns the keys (`usedAssertionKey`) of those that
   * were new. The ids must be distinct.
   */
  async claimMany(claims: readonly UsedAssertionClaim[]): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    const inserted = await this.db
      .insertInto('used_assertions')
      .values(claims.map((claim) => ({ client_id: claim.clientId, jti: claim.jti, expires_at: claim.expiresAt })))
      .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
      .returning(['client_id', 'jti'])
      .execute();
    return new Set(inserted.map((row) => usedAssertionKey(row.client_id, row.jti)));
  }

  /** Deletes up to `limit` ids of expired assertions (a replay of those fails the exp check); returns how many. */
  async purgeExpired(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('used_assertions')
      .where((eb) => eb(eb.refTuple('client_id', 'jti'), 'in', eb.selectFrom('used_assertions').select(['client_id', 'jti']).where('expires_at', '<=', now).limit(limit).$asTuple('client_id', 'jti')))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
