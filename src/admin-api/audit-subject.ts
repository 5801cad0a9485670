import type { UsersStore } from '../users/users-store.js';

/**
 * The subject to look for in the audit log: events record a user's id as their subject, so a username names
 * its user's id; anything else (an id, a client id) is kept as given. Used by `GET /admin/api/audit`, its export
 * and `gatehouse audit list`.
 */
export async function auditSubjectOf(subject: string | undefined, users: Pick<UsersStore, 'findByIdOrUsername'>): Promise<string | undefined> {
  if (subject === undefined) return undefined;
  const user = await users.findByIdOrUsername(subject);
  return user?.id ?? subject;
}
