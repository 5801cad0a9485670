import { randomUUID } from 'node:crypto';
import type { UsersStore } from './users-store.js';
import { NotFoundError } from '../shared/errors.js';
import type { PasswordHasher } from './password-hasher.js';
import type { User } from './user.js';
import { changedUserSettings, initialUserSettings, parsePassword, type UserChanges } from './user-input.js';

export { toUserJson } from './user-input.js';

export class UserNotFoundError extends NotFoundError {
  constructor(readonly userId: string) {
    super(`no user with id or username '${userId}'`);
    this.name = 'UserNotFoundError';
  }
}

/** Creating and changing users: shared by the admin API, the user API and the CLI. */
export class UserRegistry {
  constructor(
    private readonly repository: UsersStore,
    private readonly hasher: PasswordHasher,
    /** Lets the running server refresh its caches at once. */
    private readonly afterChange: () => Promise<void> = () => Promise.resolve(),
    /** Forgets the password attempts counted for a username whose lockout was lifted. */
    private readonly lockLifted: (username: string) => Promise<void> = () => Promise.resolve(),
    /** Until when a grant revoked at `now` is remembered: past the end of every access token it gave. */
    private readonly revokedGrantEnd: (now: number) => number,
  ) {}

  async create(changes: UserChanges): Promise<User> {
    if (changes.username === undefined || changes.password === undefined) throw new Error('username and password are required');
    const now = Date.now();
    const user: User = {
      id: randomUUID(),
      username: changes.username,
      passwordHash: await this.hasher.hash(changes.password),
      ...initialUserSettings(changes),
      failedAttempts: 0,
      firstFailedAt: null,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(user);
    await this.afterChange();
    return user;
  }

  async get(id: string): Promise<User> {
    const user = await this.repository.get(id);
    if (!user) throw new UserNotFoundError(id);
    return user;
  }

  /** The user named by id or by username (an id wins: a username equal to another user's id names that user). */
  async find(idOrUsername: string): Promise<User> {
    const user = await this.repository.findByIdOrUsername(idOrUsername);
    if (!user) throw new UserNotFoundError(idOrUsername);
    return user;
  }

  list(query: { search?: string | undefined; limit: number; offset: number }): Promise<{ users: User[]; total: number }> {
    return this.repository.list(query);
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    const now = Date.now();
    const updated = await this.repository.update(id, (current) => ({
      ...current,
      ...changedUserSettings(current, changes),
      updatedAt: now,
    }));
    if (!updated) throw new UserNotFoundError(id);
    await this.afterChange();
    return updated;
  }

  /**
   * Sets a new password; also clears a lockout and revokes the user's grants, their refresh tokens and the
   * access tokens issued from them, so that what was obtained with the old password ends with it
   * (RFC 9700 §4.14.2, RFC 7009 §2.1).
   */
  async setPassword(id: string, password: string): Promise<User> {
    const passwordHash = await this.hasher.hash(parsePassword(password));
    const now = Date.now();
    const updated = await this.repository.update(id, (current) => ({ ...current, passwordHash, failedAttempts: 0, firstFailedAt: null, lockedUntil: null, updatedAt: now }), {
      revokeGrantsUntil: this.revokedGrantEnd(now),
    });
    if (!updated) throw new UserNotFoundError(id);
    await this.lockLifted(updated.username);
    await this.afterChange();
    return updated;
  }

  async unlock(id: string): Promise<User> {
    const now = Date.now();
    const updated = await this.repository.update(id, (current) => ({ ...current, failedAttempts: 0, firstFailedAt: null, lockedUntil: null, updatedAt: now }));
    if (!updated) throw new UserNotFoundError(id);
    await this.lockLifted(updated.username);
    await this.afterChange();
    return updated;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.repository.delete(id))) throw new UserNotFoundError(id);
    await this.afterChange();
  }
}
