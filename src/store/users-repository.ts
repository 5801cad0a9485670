import { sql, type Kysely } from 'kysely';
import { ConflictError } from '../shared/errors.js';
import { usernameKey, type User } from '../users/user.js';
import { recordChange } from './change-events-repository.js';
import { recordGrantRevocation } from './revocations-repository.js';
import type { Database, UsersTable } from './schema.js';
import type { UsersStore } from '../users/users-store.js';

export class DuplicateUsernameError extends ConflictError {
  constructor(readonly username: string) {
    super(`the username '${username}' is taken`, 'username');
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
export class UsersRepository implements UsersStore {
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
    await this.translatingTakenUsername(user, () =>
      this.db.transaction().execute(async (trx) => {
        const taken = await trx.selectFrom('users').select('id').where('username_key', '=', usernameKey(user.username)).executeTakeFirst();
        if (taken) throw new DuplicateUsernameError(user.username);
        await trx.insertInto('users').values(toRow(user)).execute();
        await recordChange(trx, 'user', user.id);
      }),
    );
  }

  /**
   * Runs a write; when it fails because a concurrent write took the same username first (the unique
   * index on username_key refuses it, on either engine), answers DuplicateUsernameError instead.
   */
  private async translatingTakenUsername<T>(user: Pick<User, 'id' | 'username'>, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof DuplicateUsernameError) throw error;
      const holder = await this.findByUsername(user.username).catch(() => undefined);
      if (holder && holder.id !== user.id) throw new DuplicateUsernameError(user.username);
      throw error;
    }
  }

  /**
   * Reads, changes and writes one user in a transaction; undefined when there is no such user.
   * `revokeGrantsUntil` also revokes, in the same transaction, every refresh token the user holds and the
   * grants (refresh-token families) they belong to, whose access tokens are then refused until that time.
   */
  async update(id: string, change: (current: User) => User, options: { revokeGrantsUntil?: number } = {}): Promise<User | undefined> {
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
      if (options.revokeGrantsUntil !== undefined) {
        const grants = await trx.selectFrom('refresh_tokens').select(['family_id', 'client_id']).distinct().where('user_id', '=', id).where('revoked_at', 'is', null).execute();
        await trx.updateTable('refresh_tokens').set({ revoked_at: next.updatedAt }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
        for (const grant of grants) {
          await recordGrantRevocation(trx, { familyId: grant.family_id, clientId: grant.client_id, expiresAt: options.revokeGrantsUntil }, next.updatedAt);
        }
      }
      await recordChange(trx, 'user', id);
      return next;
    });
  }

  /**
   * Counts one wrong password in a single UPDATE, so concurrent failures all count (the row lock
   * orders them); the failure that reaches `threshold` within the window locks the user until
   * `lockedUntil` and starts a new count. No change event: nothing cached depends on it.
   */
  async recordFailedSignIn(id: string, failure: { now: number; windowStart: number; threshold: number; lockedUntil: number }): Promise<void> {
    const inWindow = sql<boolean>`(first_failed_at is not null and first_failed_at > ${failure.windowStart})`;
    const count = sql<number>`(case when ${inWindow} then failed_attempts + 1 else 1 end)`;
    const locks = sql<boolean>`(${count} >= ${failure.threshold})`;
    await this.db
      .updateTable('users')
      .set({
        failed_attempts: sql<number>`case when ${locks} then 0 else ${count} end`,
        first_failed_at: sql<number | null>`case when ${locks} then null when ${inWindow} then first_failed_at else ${failure.now} end`,
        locked_until: sql<number | null>`case when ${locks} then ${failure.lockedUntil} else locked_until end`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The failure count and lock of a user, read fresh; undefined when the user is gone. */
  async signInState(id: string): Promise<Pick<User, 'failedAttempts' | 'firstFailedAt' | 'lockedUntil'> | undefined> {
    const row = await this.db.selectFrom('users').select(['failed_attempts', 'first_failed_at', 'locked_until']).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      failedAttempts: Number(row.failed_attempts),
      firstFailedAt: row.first_failed_at === null ? null : Number(row.first_failed_at),
      lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    };
  }

  /** Clears the failure count after a right password, unless a lock set meanwhile is still running. */
  async clearFailedSignIns(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failed_attempts: 0, first_failed_at: null, locked_until: null })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
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
