import { OFFLINE_ACCESS, type Client } from '../../clients/client.js';
import type { User } from '../../users/user.js';
import type { AccessTokenIssuer } from '../access-token-issuer.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import { tokenResponse, type TokenResponse } from './token-response.js';

/**
 * The token response of a user-bound grant: an access token whose `sub` is the user, and a refresh
 * token when the client has them on and the granted scope has offline_access.
 */
export async function userTokenResponse(options: {
  client: Client;
  user: User;
  scopes: string[];
  /** RFC 8707 resources of the access token, and of the grant a new refresh token starts. */
  resources: string[];
  /** Seconds, as the security gate decided. */
  lifetime?: number;
  issuer: AccessTokenIssuer;
  refreshTokens: RefreshTokens;
  /** An already rotated refresh token (and its family) to hand out instead of starting a new family. */
  refreshToken?: { token: string; familyId: string };
}): Promise<TokenResponse> {
  const { client, user, scopes } = options;
  const startsFamily = options.refreshToken === undefined && client.refreshTokens && scopes.includes(OFFLINE_ACCESS);
  // The access token names its grant (refresh-token family), so that revoking the grant revokes it too.
  const familyId = options.refreshToken?.familyId ?? (startsFamily ? options.refreshTokens.newFamilyId() : undefined);
  const issued = await options.issuer.issueForUser({
    client,
    user,
    scopes,
    resources: options.resources,
    ...(options.lifetime === undefined ? {} : { lifetime: options.lifetime }),
    ...(familyId === undefined ? {} : { familyId }),
  });
  const response = tokenResponse(issued, scopes);
  if (options.refreshToken !== undefined) response.refresh_token = options.refreshToken.token;
  else if (startsFamily && familyId !== undefined) {
    response.refresh_token = await options.refreshTokens.issue(client, user.id, scopes, options.resources, familyId);
  }
  return response;
}
