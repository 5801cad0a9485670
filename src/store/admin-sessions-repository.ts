import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { AdminSessionsTable, Database } from './schema.js';
import type { AdminSessionsStore, NewAdminSession, StoredAdminSession } from '../admin-accounts/admin-accounts-store.js';

/** SQL for the admin_sessions table: console sessions, keyed by a digest of the cookie's value. */
export class AdminSessionsRepository implements AdminSessionsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: NewAdminSession): Promise<void> {
    const row: AdminSessionsTable = {
      session_digest: session.sessionDigest,
      admin_id: session.adminId,
      created_at: session.createdAt,
      last_used_at: session.lastUsedAt,
      expires_at: session.expiresAt,
    };
    await this.db.insertInto('admin_sessions').values(row).execute();
  }

  /** The session and its administrator's name; undefined when either is gone. */
  async find(sessionDigest: string): Promise<StoredAdminSession | undefined> {
    const row = await this.db
      .selectFrom('admin_sessions')
      .innerJoin('admins', 'admins.id', 'admin_sessions.admin_id')
      .select(['admin_sessions.admin_id', 'admins.username', 'admins.role', 'admin_sessions.created_at', 'admin_sessions.last_used_at', 'admin_sessions.expires_at'])
      .where('admin_sessions.session_digest', '=', sessionDigest)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      adminId: row.admin_id,
      username: row.username,
      role: row.role === 'auditor' ? 'auditor' : 'admin',
      createdAt: Number(row.created_at),
      lastUsedAt: Number(row.last_used_at),
      expiresAt: Number(row.expires_at),
    };
  }

  async touch(sessionDigest: string, now: number): Promise<void> {
    await this.db.updateTable('admin_sessions').set({ last_used_at: now }).where('session_digest', '=', sessionDigest).execute();
  }

  async delete(sessionDigest: string): Promise<void> {
    await this.db.deleteFrom('admin_sessions').where('session_digest', '=', sessionDigest).execute();
  }

  /** Removes at most `limit` sessions past their absolute expiry or idle for longer than `idleMs`; answers how many. */
  async purgeExpired(now: number, idleMs: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('admin_sessions')
      .where('session_digest', 'in', (eb) =>
        eb
          .selectFrom('admin_sessions')
          .select('session_digest')
          .where((inner) => inner.or([inner('expires_at', '<=', now), inner('last_used_at', '<=', now - idleMs)]))
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
