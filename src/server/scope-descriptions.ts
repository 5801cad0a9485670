import { COMMANDS_SCOPE, USERS_SCOPE } from '../protected-apis/reserved-scopes.js';

/** What the consent page says of the scopes Gatehouse itself declares; other scopes are shown by name. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are (your account id)',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay signed in when you are not using it',
  [USERS_SCOPE]: 'Manage the user accounts of this server',
  [COMMANDS_SCOPE]: "Run every application's server commands for you",
};

export function describeScope(scope: string): string | undefined {
  return Object.hasOwn(DESCRIPTIONS, scope) ? DESCRIPTIONS[scope] : undefined;
}
