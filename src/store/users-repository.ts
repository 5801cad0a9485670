import { sql, type Kysely } from 'kysely';
import { usernameKey, type User } from '../users/user.js';
import { recordChange } from './change-events-repository.js';
import type { Database, UsersTable } from './schema.js';

export class DuplicateUsernameError extends Error {
  constructor(readonly username: string) {
    super(`the username "${username}" is taken`);
    this.name = 'DuplicateUsernameError';
  }
}

function toRow(user: User): UsersTable {
  return {
    id: user.id,
    username: user.username,
    username_key: usernameKey(user.username),
    password_hash: user.passwordHash,
    display_name: user.displayName,
    email: user.email,
    roles: JSON.stringify(user.roles),
    enabled: user.enabled ? 1 : 0,
    failed_attempts: user.failedAttempts,
    first_failed_at: user.firstFailedAt,
    locked_until: user.lockedUntil,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function fromRow(row: UsersTable): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    displayName: row.display_name,
    email: row.email,
    roles: JSON.parse(row.roles) as string[],
    enabled: Number(row.enabled) === 1,
    failedAttempts: Number(row.failed_attempts),
    firstFailedAt: row.first_failed_at === null ? null : Number(row.first_failed_at),
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** SQL for the users table. */
export class UsersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username_key', '=', usernameKey(username)).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** A user named by id or, failing that, by username. */
  async findByIdOrUsername(idOrUsername: string): Promise<User | undefined> {
    return (await this.get(idOrUsername)) ?? (await this.findByUsername(idOrUsername));
  }

  async list(query: { search?: string | undefined; limit: number; offset: number }): Promise<{ users: User[]; total: number }> {
    let base = this.db.selectFrom('users');
    if (query.search) {
      const pattern = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base = base.where(sql<boolean>`(username_key like ${pattern} escape '\\' or lower(coalesce(display_name, '')) like ${pattern} escape '\\')`);
    }
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('username_key').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { users: rows.map(fromRow), total: Number(count.n) };
  }

  async insert(user: User): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('users').select('id').where('username_key', '=', usernameKey(user.username)).executeTakeFirst();
      if (taken) throw new DuplicateUsernameError(user.username);
      await trx.insertInto('users').values(toRow(user)).execute();
      await recordChange(trx, 'user', user.id);
    });
  }

  /** Reads, changes and writes one user in a transaction; undefined when there is no such user. */
  async update(id: string, change: (current: User) => User): Promise<User | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const next = change(fromRow(row));
      if (usernameKey(next.username) !== row.username_key) {
        const taken = await trx.selectFrom('users').select('id').where('username_key', '=', usernameKey(next.username)).executeTakeFirst();
        if (taken) throw new DuplicateUsernameError(next.username);
      }
      const { id: _id, created_at: _created, ...values } = toRow(next);
      await trx.updateTable('users').set(values).where('id', '=', id).execute();
      await recordChange(trx, 'user', id);
      return next;
    });
  }

  /** Records the outcome of a password check (failure counting and lockout); no change event needed. */
  async recordSignIn(id: string, state: Pick<User, 'failedAttempts' | 'firstFailedAt' | 'lockedUntil'>): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failed_attempts: state.failedAttempts, first_failed_at: state.firstFailedAt, locked_until: state.lockedUntil })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await trx.deleteFrom('refresh_tokens').where('user_id', '=', id).execute();
      await recordChange(trx, 'user', id);
      return true;
    });
  }
}
