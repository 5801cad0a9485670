import { OFFLINE_ACCESS } from '../clients/client.js';
import { ROLES_SCOPE } from '../users/user.js';

/** The scope of the user API (`/api/users`). */
export const USERS_SCOPE = 'users';

/** The reserved scope that reaches every application's commands. */
export const COMMANDS_SCOPE = 'commands';

/**
 * Scope names with a meaning of their own (the user API, every command, refresh tokens, a user's roles): no application
 * may take one as its name, else a token granted for that meaning would also reach its commands.
 * No Node.js imports: the console reads these through the admin API's wire module.
 */
export const RESERVED_SCOPES: readonly string[] = [USERS_SCOPE, COMMANDS_SCOPE, OFFLINE_ACCESS, ROLES_SCOPE];
