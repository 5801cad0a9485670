import type { AdminAccount } from './admin-account.js';

/** What the console's administrator accounts need from storage; `store/admins-repository.ts` implements it. */
export interface AdminAccountsStore {
  findByUsername(username: string): Promise<AdminAccount | undefined>;
  get(id: string): Promise<AdminAccount | undefined>;
  list(): Promise<AdminAccount[]>;
  count(): Promise<number>;
  /** With `onlyIfNone`, stores the account only while there is no administrator at all; true when stored. */
  insert(admin: AdminAccount, options?: { onlyIfNone?: boolean }): Promise<boolean>;
  setPasswordHash(id: string, passwordHash: string, now: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface StoredAdminSession {
  adminId: string;
  username: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
}

/** A new console session: the keyed digest of its cookie's value, never the value. */
export interface NewAdminSession {
  sessionDigest: string;
  adminId: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
}

/** What console sessions need from storage; `store/admin-sessions-repository.ts` implements it. */
export interface AdminSessionsStore {
  insert(session: NewAdminSession): Promise<void>;
  /** The session and its administrator's name; undefined when either is gone. */
  find(sessionDigest: string): Promise<StoredAdminSession | undefined>;
  touch(sessionDigest: string, now: number): Promise<void>;
  delete(sessionDigest: string): Promise<void>;
}
