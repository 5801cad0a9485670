import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Single-use ids of client assertions, shared by every instance on the database. */
export class UsedAssertionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the id; false when it was used before (a replay). */
  async claim(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('used_assertions')
      .values({ client_id: clientId, jti, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('used_assertions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
