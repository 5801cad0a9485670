/** The scope that puts a user's roles in its tokens (the `roles` claim); a client needs it allowed like any scope. */
export const ROLES_SCOPE = 'roles';

/** The claim of a user token that lists the user's roles (with the `roles` scope). */
export const ROLES_CLAIM = 'roles';

/** A person in the user registry. The password exists only as an argon2id hash. */
export interface User {
  id: string;
  username: string;
  passwordHash: string;
  displayName: string | null;
  email: string | null;
  roles: string[];
  enabled: boolean;
  failedAttempts: number;
  /** Epoch ms of the first failure in the current counting window. */
  firstFailedAt: number | null;
  /** Epoch ms until which password sign-in is refused. */
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The key that makes usernames unique regardless of case and Unicode form. */
export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}
