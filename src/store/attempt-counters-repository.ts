import { sql, type Kysely } from 'kysely';
import type { AttemptCounters, AttemptWindow } from '../users/attempt-counters.js';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database } from './schema.js';

/**
 * Attempt counters in the `attempt_counters` table, shared by every instance (and, on SQLite, by the CLI
 * and the server on one file). Counting is one upsert that returns the new count, so concurrent attempts
 * on any instance can never all read the same count and all pass.
 */
export class AttemptCountersRepository implements AttemptCounters {
  constructor(private readonly db: Kysely<Database>) {}

  async add(key: string, windowMs: number, now: number): Promise<AttemptWindow> {
    const endsAt = now + windowMs;
    const row = await this.db
      .insertInto('attempt_counters')
      .values({ key, attempts: 1, window_ends_at: endsAt })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          // A window that has ended starts afresh with this attempt.
          attempts: sql<number>`case when attempt_counters.window_ends_at <= ${now} then 1 else attempt_counters.attempts + 1 end`,
          window_ends_at: sql<number>`case when attempt_counters.window_ends_at <= ${now} then ${endsAt} else attempt_counters.window_ends_at end`,
        }),
      )
      .returning(['attempts', 'window_ends_at'])
      .executeTakeFirstOrThrow();
    return { count: Number(row.attempts), endsAt: Number(row.window_ends_at) };
  }

  async giveBack(key: string, now: number): Promise<void> {
    await this.db
      .updateTable('attempt_counters')
      .set({ attempts: sql<number>`attempts - 1` })
      .where('key', '=', key)
      .where('attempts', '>', 0)
      .where('window_ends_at', '>', now)
      .execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('attempt_counters').where('key', '=', key).execute();
  }

  /** Deletes up to `limit` counters whose window has ended (a new attempt starts a new window anyway); returns how many. */
  async purgeEnded(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('attempt_counters')
      .where('key', 'in', (eb) => eb.selectFrom('attempt_counters').select('key').where('window_ends_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
