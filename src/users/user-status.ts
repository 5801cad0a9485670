/** The one word the CLI shows for a user, from the fields the admin API returns: disabled wins over locked. */
export type UserStatus = 'enabled' | 'disabled' | 'locked';

interface UserStatusFields {
  enabled: boolean;
  /** ISO time until which sign-in is refused after too many wrong passwords, or null. */
  locked_until: string | null;
}

/** Whether a lockout is still running at `now` (the console's "Locked until" badge, the CLI's `locked`). */
export function isUserLocked(user: Pick<UserStatusFields, 'locked_until'>, now: number = Date.now()): boolean {
  return user.locked_until !== null && Date.parse(user.locked_until) > now;
}

export function userStatus(user: UserStatusFields, now: number = Date.now()): UserStatus {
  if (!user.enabled) return 'disabled';
  return isUserLocked(user, now) ? 'locked' : 'enabled';
}
