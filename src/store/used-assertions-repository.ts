import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
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

  /** Deletes up to `limit` ids of expired assertions (a replay of those fails the exp check); returns how many. */
  async purgeExpired(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('used_assertions')
      .where((eb) =>
        eb(
          eb.refTuple('client_id', 'jti'),
          'in',
          eb.selectFrom('used_assertions').select(['client_id', 'jti']).where('expires_at', '<=', now).limit(limit).$asTuple('client_id', 'jti'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
