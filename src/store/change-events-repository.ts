import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type ChangeKind = 'client' | 'user' | 'signing_key' | 'revocation' | 'setting' | 'profile';

export interface ChangeEvent {
  seq: number;
  kind: ChangeKind;
  ref: string;
  createdAt: number;
}

/** Records, inside the writer's transaction, that something cached elsewhere has changed. */
export async function recordChange(trx: Kysely<Database> | Transaction<Database>, kind: ChangeKind, ref: string): Promise<void> {
  await trx.insertInto('change_events').values({ kind, ref, created_at: Date.now() }).execute();
}

export class ChangeEventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async latestSeq(): Promise<number> {
    const row = await this.db.selectFrom('change_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
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

  /** Deletes events older than the cutoff; returns how many. */
  async purgeBefore(cutoff: number): Promise<number> {
    const result = await this.db.deleteFrom('change_events').where('created_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
