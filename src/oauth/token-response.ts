import type { IssuedAccessToken } from './access-token-issuer.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  /** OpenID Connect: the ID token of a code grant whose scope has `openid`. */
  id_token?: string;
}

/** A token response and the issued token behind it (for the audit event, metrics and rate limits, so that nothing decodes the token again). */
export interface IssuedResponse {
  response: TokenResponse;
  issued: IssuedAccessToken;
}

/** The §5.1 response for an issued access token; `scope` when the token has one. */
export function tokenResponse(issued: IssuedAccessToken, scopes: readonly string[]): TokenResponse {
  const response: TokenResponse = { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
  if (scopes.length > 0) response.scope = scopes.join(' ');
  return response;
}
