import type { Client } from '../../clients/client.js';
import type { UsersStore } from '../../users/users-store.js';
import type { User } from '../../users/user.js';
import { OAuthError } from '../oauth-error.js';

/**
 * Acting for a user (`may_act_for_users`): the one rule of the jwt-bearer grant and the application token.
 * The client must be allowed to, and `subject` (a user id or username) must name an enabled user.
 * `wording` names the caller and what named the user in the refusals ("client"/"assertion", "application"/"request").
 */
export async function userToActFor(users: Pick<UsersStore, 'findByIdOrUsername'>, client: Client, subject: string, wording: { caller: string; namedBy: string }): Promise<User> {
  if (!client.mayActForUsers) throw new OAuthError(400, 'unauthorized_client', `this ${wording.caller} may not act for users`);
  const user = await users.findByIdOrUsername(subject);
  if (!user?.enabled) throw new OAuthError(400, 'invalid_grant', `the ${wording.namedBy} names no enabled user`);
  return user;
}
