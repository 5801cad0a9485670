import { sql, type Compilable, type Kysely } from 'kysely';
import { windowEnd } from '../limits/fixed-window.js';
import type { AttemptCounters, AttemptWindow } from '../users/attempt-counters.js';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database } from './schema.js';
import type { BatchWriter } from './sqlite-writer-thread.js';

/**
 * Attempt counters in the `attempt_counters` table, shared by every instance (and, on SQLite, by the CLI
 * and the server on one file). Counting is one upsert that returns the new count, so concurrent attempts
 * on any instance can never all read the same count and all pass.
 *
 * On the embedded database the writes go through its writer thread (`writer`): a commit there waits for
 * fsync, about 0.2 ms, which on the main connection would hold the event loop, and every other request with
 * it, for each password attempt. PostgreSQL's driver never holds the event loop: there they run on `db`.
 */
export class AttemptCountersRepository implements AttemptCounters {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer?: BatchWriter,
  ) {}

  async add(key: string, windowMs: number, now: number): Promise<AttemptWindow> {
    const endsAt = windowEnd(now, windowMs);
    const upsert = this.db
      .insertInto('attempt_counters')
      .values({ key, attempts: 1, window_ends_at: endsAt })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          // A window that has ended (limits/fixed-window.ts: windowEnded) starts afresh with this attempt.
          attempts: sql<number>`case when attempt_counters.window_ends_at <= ${now} then 1 else attempt_counters.attempts + 1 end`,
          window_ends_at: sql<number>`case when attempt_counters.window_ends_at <= ${now} then ${endsAt} else attempt_counters.window_ends_at end`,
        }),
      )
      .returning(['attempts', 'window_ends_at']);
    const [row] = this.writer ? ((await this.writer.runReturning(...compiled(upsert))) as CounterRow[]) : [await upsert.executeTakeFirstOrThrow()];
    if (!row) throw new Error('the attempt counter upsert returned no row');
    return { count: Number(row.attempts), endsAt: Number(row.window_ends_at) };
  }

  async giveBack(key: string, now: number): Promise<void> {
    await this.write(
      this.db
        .updateTable('attempt_counters')
        .set({ attempts: sql<number>`attempts - 1` })
        .where('key', '=', key)
        .where('attempts', '>', 0)
        .where('window_ends_at', '>', now),
    );
  }

  async clear(key: string): Promise<void> {
    await this.write(this.db.deleteFrom('attempt_counters').where('key', '=', key));
  }

  private async write(query: Compilable & { execute(): Promise<unknown> }): Promise<void> {
    if (this.writer) await this.writer.runBatch(...batchOf(query));
    else await query.execute();
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

/** The row the counting upsert returns. */
interface CounterRow {
  attempts: number | string;
  window_ends_at: number | string;
}

/** A query's SQL text and parameters, as the writer thread takes them. */
function compiled(query: Compilable): [string, unknown[]] {
  const { sql: text, parameters } = query.compile();
  return [text, [...parameters]];
}

function batchOf(query: Compilable): [string, unknown[][]] {
  const [text, parameters] = compiled(query);
  return [text, [parameters]];
}
