import type { InitialAccessTokenJson } from './initial-access-tokens.js';

/** The one word the console and the CLI show for an initial access token: revoked wins over expired. */
export type InitialAccessTokenStatus = 'active' | 'expired' | 'revoked';

export function initialAccessTokenStatus(token: Pick<InitialAccessTokenJson, 'revoked_at' | 'expires_at'>, now: number = Date.now()): InitialAccessTokenStatus {
  if (token.revoked_at !== null) return 'revoked';
  if (token.expires_at !== null && Date.parse(token.expires_at) <= now) return 'expired';
  return 'active';
}
