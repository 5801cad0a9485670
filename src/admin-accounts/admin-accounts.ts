import { randomUUID } from 'node:crypto';
import type { AdminAccountsStore, GuardedChange } from './admin-accounts-store.js';
import { checkFields, ConflictError, FieldValidationError, NotFoundError } from '../shared/errors.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { parseAdminPassword, parseAdminRole, parseAdminUsername, type AdminAccount, type AdminRole } from './admin-account.js';

export class AdminNotFoundError extends NotFoundError {
  constructor(username: string) {
    super(`no administrator '${username}'`);
    this.name = 'AdminNotFoundError';
  }
}

/** The change would leave no account with the `admin` role (deleting or demoting the last one). */
export class LastAdminError extends ConflictError {
  override readonly code = 'last_admin';
  constructor() {
    super('at least one account must keep the admin role', 'role');
    this.name = 'LastAdminError';
  }
}

/** An administrator tried to delete their own account. */
export class SelfDeletionError extends ConflictError {
  override readonly code = 'cannot_delete_self';
  constructor() {
    super('you cannot delete your own account; another administrator can');
    this.name = 'SelfDeletionError';
  }
}

/** The name of the administrator that GATEHOUSE_ADMIN_PASSWORD creates on a first start. */
export const INITIAL_ADMIN_USERNAME = 'admin';

/** Administrator accounts: creation with an argon2id hash, password checks, removal. */
export class AdminAccounts {
  constructor(
    private readonly repository: AdminAccountsStore,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Every invalid field is reported at once (an InvalidFieldsError when several are); nothing is written then. */
  async create(username: unknown, password: unknown, role: unknown = 'admin'): Promise<AdminAccount> {
    const { name, secret, accountRole } = checkFields({ name: () => parseAdminUsername(username), secret: () => parseAdminPassword(password), accountRole: () => parseAdminRole(role) });
    const now = Date.now();
    const admin: AdminAccount = { id: randomUUID(), username: name, passwordHash: await this.hasher.hash(secret), role: accountRole, createdAt: now, updatedAt: now };
    await this.repository.insert(admin);
    return admin;
  }

  /** Creates `admin` with this password when no administrator exists; returns whether it did. */
  async ensureInitial(password: string | undefined): Promise<boolean> {
    if (password === undefined || (await this.repository.count()) > 0) return false;
    const now = Date.now();
    const admin: AdminAccount = {
      id: randomUUID(),
      username: INITIAL_ADMIN_USERNAME,
      passwordHash: await this.hasher.hash(parseAdminPassword(password)),
      role: 'admin',
      createdAt: now,
      updatedAt: now,
    };
    return this.repository.insert(admin, { onlyIfNone: true });
  }

  list(): Promise<AdminAccount[]> {
    return this.repository.list();
  }

  /** An account by id, or else by username. */
  async find(idOrUsername: string): Promise<AdminAccount> {
    const admin = (await this.repository.get(idOrUsername)) ?? (await this.repository.findByUsername(idOrUsername));
    if (!admin) throw new AdminNotFoundError(idOrUsername);
    return admin;
  }

  /** Sets a new password (by id or username) and ends every console session of the account. */
  async setPassword(idOrUsername: string, password: unknown): Promise<AdminAccount> {
    const secret = parseAdminPassword(password);
    const admin = await this.find(idOrUsername);
    await this.repository.setPasswordHash(admin.id, await this.hasher.hash(secret), Date.now());
    return admin;
  }

  /**
   * An administrator changes their own password: the current one is checked; their other sessions end. A wrong
   * current password and an invalid new one (field `new_password`, as the request names it) are reported together.
   */
  async changeOwnPassword(adminId: string, currentPassword: unknown, newPassword: unknown, keepSessionDigest?: string): Promise<void> {
    const admin = await this.repository.get(adminId);
    if (!admin) throw new AdminNotFoundError(adminId);
    const currentOk = typeof currentPassword === 'string' && currentPassword !== '' && currentPassword.length <= 1024 && (await this.hasher.verify(admin.passwordHash, currentPassword));
    const { secret } = checkFields({
      current: () => {
        if (!currentOk) throw new FieldValidationError('current_password', 'is not your current password');
      },
      secret: () => {
        try {
          return parseAdminPassword(newPassword);
        } catch (error) {
          if (error instanceof FieldValidationError) throw new FieldValidationError('new_password', error.reason);
          throw error;
        }
      },
    });
    await this.repository.setPasswordHash(admin.id, await this.hasher.hash(secret), Date.now(), keepSessionDigest);
  }

  /** Changes the role; demoting the last administrator is refused (LastAdminError). */
  async setRole(idOrUsername: string, role: unknown): Promise<AdminAccount> {
    const newRole: AdminRole = parseAdminRole(role);
    const admin = await this.find(idOrUsername);
    checked(await this.repository.setRole(admin.id, newRole, Date.now()), admin.username);
    return { ...admin, role: newRole };
  }

  /**
   * Deletes an account and ends its sessions. `actorId` (the administrator asking, when an account asks) may not
   * delete itself; the last administrator is never deleted (LastAdminError), even by concurrent requests.
   */
  async delete(idOrUsername: string, actorId?: string): Promise<AdminAccount> {
    const admin = await this.find(idOrUsername);
    if (actorId !== undefined && admin.id === actorId) throw new SelfDeletionError();
    checked(await this.repository.delete(admin.id), admin.username);
    return admin;
  }

  /** The account when the password is right; unknown names take as long as known ones. */
  async verify(username: string, password: string): Promise<AdminAccount | undefined> {
    const admin = await this.repository.findByUsername(username);
    if (!admin) return this.hasher.verifyNothing(password).then(() => undefined);
    return (await this.hasher.verify(admin.passwordHash, password)) ? admin : undefined;
  }
}

function checked(outcome: GuardedChange, username: string): void {
  if (outcome === 'not_found') throw new AdminNotFoundError(username);
  if (outcome === 'last_admin') throw new LastAdminError();
}
