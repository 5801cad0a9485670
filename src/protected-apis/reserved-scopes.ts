import { OFFLINE_ACCESS } from '../clients/client.js';
import { ROLES_SCOPE } from '../users/user.js';

/** The scope of the user API (`/api/users`). */
export const USERS_SCOPE = 'users';

/** The reserved scope that reaches every application's commands. */
export const COMMANDS_SCOPE = 'commands';

/**
 * Scope names with a meaning of their own (the user API, every command, refresh tokens, a user's roles): no application
 * may take one as its name, else a token granted for that meaning would also reach its commands.
 * These are the defaults; the settings may rename `users` and `commands` and add aliases (see ReservedScopeNames).
 * No Node.js imports: the console reads these through the admin API's wire module.
 */
export const RESERVED_SCOPES: readonly string[] = [USERS_SCOPE, COMMANDS_SCOPE, OFFLINE_ACCESS, ROLES_SCOPE];

/**
 * The configured names of the user-API and all-commands scopes (GATEHOUSE_USERS_SCOPE, GATEHOUSE_COMMANDS_SCOPE and
 * their aliases): the first of each list is the name 403 answers use, every one is accepted by the guards.
 */
export interface ReservedScopeNames {
  users: readonly string[];
  commands: readonly string[];
}

/** The defaults (`users`, `commands`, no aliases). */
export const DEFAULT_SCOPE_NAMES: ReservedScopeNames = { users: [USERS_SCOPE], commands: [COMMANDS_SCOPE] };

/** The names from the settings. */
export function reservedScopeNames(config: { usersScope: string; usersScopeAliases: readonly string[]; commandsScope: string; commandsScopeAliases: readonly string[] }): ReservedScopeNames {
  return { users: [...new Set([config.usersScope, ...config.usersScopeAliases])], commands: [...new Set([config.commandsScope, ...config.commandsScopeAliases])] };
}

/** Every reserved scope name under these settings: no application may take one as its name. */
export function reservedScopeList(names: ReservedScopeNames): readonly string[] {
  return [...new Set([...names.users, ...names.commands, OFFLINE_ACCESS, ROLES_SCOPE])];
}
