import type { IssuedAccessToken } from '../access-token-issuer.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

/** The issued token behind each token response, for its audit event (so the token need not be decoded again). */
const issuedTokens = new WeakMap<object, IssuedAccessToken>();

/** The §5.1 response for an issued access token; `scope` when the token has one. */
export function tokenResponse(issued: IssuedAccessToken, scopes: string[]): TokenResponse {
  const response: TokenResponse = { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
  if (scopes.length > 0) response.scope = scopes.join(' ');
  issuedTokens.set(response, issued);
  return response;
}

/** The issued token a response made by `tokenResponse` carries; undefined for any other payload. */
export function issuedTokenOf(payload: unknown): IssuedAccessToken | undefined {
  return typeof payload === 'object' && payload !== null ? issuedTokens.get(payload) : undefined;
}
