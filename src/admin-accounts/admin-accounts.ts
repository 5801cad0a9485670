import { randomUUID } from 'node:crypto';
import type { AdminAccountsStore } from './admin-accounts-store.js';
import { NotFoundError } from '../shared/errors.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { parseAdminPassword, parseAdminUsername, type AdminAccount } from './admin-account.js';

export class AdminNotFoundError extends NotFoundError {
  constructor(username: string) {
    super(`no administrator '${username}'`);
    this.name = 'AdminNotFoundError';
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

  async create(username: unknown, password: unknown): Promise<AdminAccount> {
    const name = parseAdminUsername(username);
    const secret = parseAdminPassword(password);
    const now = Date.now();
    const admin: AdminAccount = { id: randomUUID(), username: name, passwordHash: await this.hasher.hash(secret), createdAt: now, updatedAt: now };
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
      createdAt: now,
      updatedAt: now,
    };
    return this.repository.insert(admin, { onlyIfNone: true });
  }

  list(): Promise<AdminAccount[]> {
    return this.repository.list();
  }

  async setPassword(username: string, password: unknown): Promise<void> {
    const secret = parseAdminPassword(password);
    const admin = await this.repository.findByUsername(username);
    if (!admin) throw new AdminNotFoundError(username);
    await this.repository.setPasswordHash(admin.id, await this.hasher.hash(secret), Date.now());
  }

  async delete(username: string): Promise<void> {
    const admin = await this.repository.findByUsername(username);
    if (!admin || !(await this.repository.delete(admin.id))) throw new AdminNotFoundError(username);
  }

  /** The account when the password is right; unknown names take as long as known ones. */
  async verify(username: string, password: string): Promise<AdminAccount | undefined> {
    const admin = await this.repository.findByUsername(username);
    if (!admin) return this.hasher.verifyNothing(password).then(() => undefined);
    return (await this.hasher.verify(admin.passwordHash, password)) ? admin : undefined;
  }
}
