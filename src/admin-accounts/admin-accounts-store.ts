import type { AdminAccount, AdminRole } from './admin-account.js';

/** What a guarded change did: `last_admin` when it would have left no account with the `admin` role (nothing changed). */
export type GuardedChange = 'done' | 'not_found' | 'last_admin';

/** What the console's administrator accounts need from storage; `store/admins-repository.ts` implements it. */
export interface AdminAccountsStore {
  findByUsername(username: string): Promise<AdminAccount | undefined>;
  get(id: string): Promise<AdminAccount | undefined>;
  list(): Promise<AdminAccount[]>;
  count(): Promise<number>;
  /** With `onlyIfNone`, stores the account only while there is no administrator at all; true when stored. */
  insert(admin: AdminAccount, options?: { onlyIfNone?: boolean }): Promise<boolean>;
  /** Replaces the hash and ends the account's console sessions, except the one of `keepSessionDigest`. */
  setPasswordHash(id: string, passwordHash: string, now: number, keepSessionDigest?: string): Promise<boolean>;
  /** Changes the role, in one transaction that refuses to leave no administrator (serialized against other guarded changes). */
  setRole(id: string, role: AdminRole, now: number): Promise<GuardedChange>;
  /** Deletes the account and its sessions, refusing to delete the last administrator (serialized like setRole). */
  delete(id: string): Promise<GuardedChange>;
}

export interface StoredAdminSession {
  adminId: string;
  username: string;
  role: AdminRole;
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
