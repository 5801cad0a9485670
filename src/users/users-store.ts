import type { User } from './user.js';

/** What the user registry and password sign-in need from storage; `store/users-repository.ts` implements it. */
export interface UsersStore {
  get(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  findByIdOrUsername(idOrUsername: string): Promise<User | undefined>;
  list(query: { search?: string | undefined; limit: number; offset: number }): Promise<{ users: User[]; total: number }>;
  insert(user: User): Promise<void>;
  /** Applies `change` in one transaction; `revokeGrantsUntil` also revokes the user's grants' access tokens. */
  update(id: string, change: (current: User) => User, options?: { revokeGrantsUntil?: number }): Promise<User | undefined>;
  recordFailedSignIn(id: string, failure: { now: number; windowStart: number; threshold: number; lockedUntil: number }): Promise<void>;
  signInState(id: string): Promise<Pick<User, 'failedAttempts' | 'firstFailedAt' | 'lockedUntil'> | undefined>;
  clearFailedSignIns(id: string, now: number): Promise<void>;
  delete(id: string): Promise<boolean>;
}
