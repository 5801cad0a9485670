import { COMMANDS_SCOPE, USERS_SCOPE } from '../protected-apis/reserved-scopes.js';

/**
 * What the consent page says of the scopes Gatehouse's own resources declare (openid, profile, email and
 * offline_access have their words in the pages' locale files); other scopes are shown by name.
 */
const DESCRIPTIONS: Record<string, string> = {
  [USERS_SCOPE]: 'Manage the user accounts of this server',
  [COMMANDS_SCOPE]: "Run every application's server commands for you",
};

/** The consent page's words for a scope: Gatehouse's own, else what the application or command declaring it says. */
export function scopeDescriber(commands: { scopeDescription(scope: string): string | undefined }): (scope: string) => string | undefined {
  return (scope) => (Object.hasOwn(DESCRIPTIONS, scope) ? DESCRIPTIONS[scope] : commands.scopeDescription(scope));
}
