import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { BrowserSessionsTable, Database } from './schema.js';
import type { BrowserSession, BrowserSessionsStore } from '../sign-in/browser-session.js';

/** How long an ended session is kept (for the lists and the logs of what happened), ms. */
export const ENDED_SESSION_RETENTION_MS = 24 * 3_600_000;

function toRow(session: BrowserSession): BrowserSessionsTable {
  return {
    id_digest: session.idDigest,
    user_id: session.userId,
    auth_time: session.authTime,
    amr: JSON.stringify(session.amr),
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    idle_expires_at: session.idleExpiresAt,
    absolute_expires_at: session.absoluteExpiresAt,
    ended_at: session.endedAt,
    user_agent: session.userAgent,
    source_address: session.sourceAddress,
  };
}

function fromRow(row: BrowserSessionsTable): BrowserSession {
  return {
    idDigest: row.id_digest,
    userId: row.user_id,
    authTime: Number(row.auth_time),
    amr: JSON.parse(row.amr) as string[],
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    idleExpiresAt: Number(row.idle_expires_at),
    absoluteExpiresAt: Number(row.absolute_expires_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    userAgent: row.user_agent,
    sourceAddress: row.source_address,
  };
}

/** Rows of sessions usable at `now` (as sign-in/browser-session.ts sessionIsLive says). */
function live(now: number) {
  return (eb: ExpressionBuilder<Database, 'browser_sessions'>) => eb.and([eb('ended_at', 'is', null), eb('idle_expires_at', '>', now), eb('absolute_expires_at', '>', now)]);
}

/**
 * SQL for browser_sessions, keyed by a digest of the cookie's value. Every instance reads a session from here on
 * each use, so a session ended on one instance is ended on all at once. A user's sessions go with the user
 * (foreign key, ON DELETE CASCADE).
 */
export class BrowserSessionsRepository implements BrowserSessionsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: BrowserSession): Promise<void> {
    await this.db.insertInto('browser_sessions').values(toRow(session)).execute();
  }

  async get(idDigest: string): Promise<BrowserSession | undefined> {
    const row = await this.db.selectFrom('browser_sessions').selectAll().where('id_digest', '=', idDigest).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Records a use of a live session (one that is over stays over): the idle expiry moves, capped at the absolute
   * expiry. New methods are added to amr in the same transaction, after that UPDATE locked the row, so concurrent
   * touches never lose one another's methods.
   */
  async touch(idDigest: string, change: { lastSeenAt: number; idleExpiresAt: number; amr?: string[] }): Promise<void> {
    const now = change.lastSeenAt;
    const seen = (db: Kysely<Database>) =>
      db
        .updateTable('browser_sessions')
        .set({
          last_seen_at: now,
          idle_expires_at: sql<number>`case when absolute_expires_at < ${change.idleExpiresAt} then absolute_expires_at else ${change.idleExpiresAt} end`,
        })
        .where('id_digest', '=', idDigest)
        .where(live(now))
        .executeTakeFirst();
    const methods = [...new Set(change.amr ?? [])];
    if (methods.length === 0) {
      await seen(this.db);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      if (Number((await seen(trx)).numUpdatedRows) !== 1) return;
      const row = await trx.selectFrom('browser_sessions').select('amr').where('id_digest', '=', idDigest).executeTakeFirstOrThrow();
      const amr = JSON.parse(row.amr) as string[];
      const added = methods.filter((method) => !amr.includes(method));
      if (added.length > 0)
        await trx
          .updateTable('browser_sessions')
          .set({ amr: JSON.stringify([...amr, ...added]) })
          .where('id_digest', '=', idDigest)
          .execute();
    });
  }

  async end(idDigest: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('browser_sessions').set({ ended_at: now }).where('id_digest', '=', idDigest).where(live(now)).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async endAllForUser(userId: string, now: number): Promise<number> {
    const result = await this.db.updateTable('browser_sessions').set({ ended_at: now }).where('user_id', '=', userId).where(live(now)).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async list(query: { userId?: string | undefined; now: number; limit: number; offset: number }): Promise<{ sessions: BrowserSession[]; total: number }> {
    let base = this.db.selectFrom('browser_sessions').where(live(query.now));
    if (query.userId !== undefined) base = base.where('user_id', '=', query.userId);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('id_digest').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { sessions: rows.map(fromRow), total: Number(count.n) };
  }

  /** Deletes up to `limit` sessions past their absolute expiry or ended before `endedBefore`; returns how many. */
  async purgeOver(now: number, endedBefore: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('browser_sessions')
      .where('id_digest', 'in', (eb) =>
        eb
          .selectFrom('browser_sessions')
          .select('id_digest')
          .where((inner) => inner.or([inner('absolute_expires_at', '<=', now), inner('ended_at', '<=', endedBefore)]))
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
