import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { AdminAccount, AdminRole } from '../admin-accounts/admin-account.js';
import { ADMINS_LOCK, LOCK_CLASS } from './advisory-lock.js';
import { ConflictError } from '../shared/errors.js';
import { usernameKey } from '../users/user.js';
import type { AdminsTable, Database } from './schema.js';
import type { AdminAccountsStore, GuardedChange } from '../admin-accounts/admin-accounts-store.js';

export class DuplicateAdminError extends ConflictError {
  constructor(readonly username: string) {
    super(`the administrator '${username}' exists already`, 'username');
    this.name = 'DuplicateAdminError';
  }
}

/** The row of an administrator (the setup link's repository inserts the first one the same way). */
export function toAdminRow(admin: AdminAccount): AdminsTable {
  return {
    id: admin.id,
    username: admin.username,
    username_key: usernameKey(admin.username),
    password_hash: admin.passwordHash,
    role: admin.role,
    created_at: admin.createdAt,
    updated_at: admin.updatedAt,
  };
}

function fromRow(row: AdminsTable): AdminAccount {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role === 'auditor' ? 'auditor' : 'admin',
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** SQL for the admins table (administrator accounts of the web console). */
export class AdminsRepository implements AdminAccountsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findByUsername(username: string): Promise<AdminAccount | undefined> {
    const row = await this.db.selectFrom('admins').selectAll().where('username_key', '=', usernameKey(username)).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async get(id: string): Promise<AdminAccount | undefined> {
    const row = await this.db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<AdminAccount[]> {
    const rows = await this.db.selectFrom('admins').selectAll().orderBy('username_key').execute();
    return rows.map(fromRow);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('admins')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Inserts an account; `onlyIfNone` makes it a no-op (false) when any administrator exists. */
  async insert(admin: AdminAccount, options: { onlyIfNone?: boolean } = {}): Promise<boolean> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        if (options.onlyIfNone) {
          const any = await trx.selectFrom('admins').select('id').limit(1).executeTakeFirst();
          if (any) return false;
        }
        const taken = await trx.selectFrom('admins').select('id').where('username_key', '=', usernameKey(admin.username)).executeTakeFirst();
        if (taken) throw new DuplicateAdminError(admin.username);
        await trx.insertInto('admins').values(toAdminRow(admin)).execute();
        return true;
      });
    } catch (error) {
      if (error instanceof DuplicateAdminError) throw error;
      // A concurrent insert of the same name (or a concurrent first start) lost against the unique index.
      if (await this.findByUsername(admin.username).catch(() => undefined)) {
        if (options.onlyIfNone) return false;
        throw new DuplicateAdminError(admin.username);
      }
      throw error;
    }
  }

  async setPasswordHash(id: string, passwordHash: string, now: number, keepSessionDigest?: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('admins').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', id).executeTakeFirst();
      // A new password ends every session of the account (but the one that changed its own password).
      let sessions = trx.deleteFrom('admin_sessions').where('admin_id', '=', id);
      if (keepSessionDigest !== undefined) sessions = sessions.where('session_digest', '<>', keepSessionDigest);
      await sessions.execute();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  async setRole(id: string, role: AdminRole, now: number): Promise<GuardedChange> {
    return this.guarded(id, role === 'admin', async (trx) => {
      await trx.updateTable('admins').set({ role, updated_at: now }).where('id', '=', id).execute();
    });
  }

  /** Deletes an account and its sessions, unless it is the last administrator. */
  async delete(id: string): Promise<GuardedChange> {
    return this.guarded(id, false, async (trx) => {
      await trx.deleteFrom('admin_sessions').where('admin_id', '=', id).execute();
      await trx.deleteFrom('admins').where('id', '=', id).execute();
    });
  }

  /**
   * Runs a change to account `id` that leaves it an administrator or not (`staysAdmin`), in one transaction that
   * refuses it when no other administrator would remain. On PostgreSQL a transaction-scoped advisory lock
   * serializes these changes (two concurrent deletes of the last two administrators: the second sees the first's
   * result); SQLite runs one write transaction at a time.
   */
  private guarded(id: string, staysAdmin: boolean, change: (trx: Transaction<Database>) => Promise<void>): Promise<GuardedChange> {
    return this.db.transaction().execute(async (trx) => {
      if (trx.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_CLASS)}, ${sql.lit(ADMINS_LOCK)})`.execute(trx);
      }
      const target = await trx.selectFrom('admins').select(['id', 'role']).where('id', '=', id).executeTakeFirst();
      if (!target) return 'not_found';
      if (target.role === 'admin' && !staysAdmin) {
        const others = await trx
          .selectFrom('admins')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('role', '=', 'admin')
          .where('id', '<>', id)
          .executeTakeFirstOrThrow();
        if (Number(others.n) === 0) return 'last_admin';
      }
      await change(trx);
      return 'done';
    });
  }
}
