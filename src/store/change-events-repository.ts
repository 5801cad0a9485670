import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database } from './schema.js';

/** PostgreSQL channel on which every recorded change is announced (NOTIFY), so instances need not poll. */
export const CHANGES_CHANNEL = 'gatehouse_changes';

export type ChangeKind = 'client' | 'user' | 'signing_key' | 'revocation' | 'grant_revocation' | 'token_cutoff' | 'setting' | 'profile' | 'command';

export interface ChangeEvent {
  seq: number;
  kind: ChangeKind;
  ref: string;
  createdAt: number;
}

/**
 * Records, inside the writer's transaction, that something cached elsewhere has changed. On PostgreSQL
 * it also sends a NOTIFY in the same transaction: listeners hear of it when, and only when, it commits.
 */
export async function recordChange(trx: Kysely<Database> | Transaction<Database>, kind: ChangeKind, ref: string): Promise<void> {
  await trx.insertInto('change_events').values({ kind, ref, created_at: Date.now() }).execute();
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    // The payload is a hint only: listeners read change_events, the one record of what changed.
    await sql`select pg_notify(${CHANGES_CHANNEL}, ${kind})`.execute(trx);
  }
}

export class ChangeEventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async latestSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('change_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  /**
   * Events after `afterSeq`, plus those of the last `overlapMs` (on PostgreSQL a sequence value can
   * commit after a larger one, so a short window is read again; applying an event twice is harmless).
   */
  async since(afterSeq: number, overlapMs: number): Promise<ChangeEvent[]> {
    const rows = await this.db
      .selectFrom('change_events')
      .selectAll()
      .where((eb) => eb.or([eb('seq', '>', afterSeq), eb('created_at', '>', Date.now() - overlapMs)]))
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({ seq: Number(row.seq), kind: row.kind as ChangeKind, ref: row.ref, createdAt: Number(row.created_at) }));
  }

  /** Deletes up to `limit` events older than the cutoff; returns how many. */
  async purgeBefore(cutoff: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('change_events')
      .where('seq', 'in', (eb) => eb.selectFrom('change_events').select('seq').where('created_at', '<', cutoff).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
