import { DEFAULT_SCOPE_NAMES, type ReservedScopeNames } from '../protected-apis/reserved-scopes.js';
import { ROLES_SCOPE } from '../users/user.js';

/**
 * What the consent page says of the scopes Gatehouse's own resources declare, under their configured names and aliases
 * (openid, profile, email and offline_access have their words in the pages' locale files; `roles` is listed too
 * when a client's roles_claim switch puts roles into its tokens without that scope); other scopes are shown by name.
 */
function descriptions(names: ReservedScopeNames): Map<string, string> {
  return new Map([
    ...names.users.map((name): [string, string] => [name, 'Manage the user accounts of this server']),
    ...names.commands.map((name): [string, string] => [name, "Run every application's server commands for you"]),
    [ROLES_SCOPE, 'Know the roles you hold on this server'],
  ]);
}

/** The consent page's words for a scope: Gatehouse's own, else what the application or command declaring it says. */
export function scopeDescriber(commands: { scopeDescription(scope: string): string | undefined }, names: ReservedScopeNames = DEFAULT_SCOPE_NAMES): (scope: string) => string | undefined {
  const own = descriptions(names);
  return (scope) => own.get(scope) ?? commands.scopeDescription(scope);
}
