/**
 * An authorization code (RFC 6749 §4.1.2): one sign-in's result, redeemed once, within 60 s, by the client
 * it was issued to, with the redirect URI and PKCE verifier of its request. Stored as a keyed digest only.
 */
export interface AuthorizationCode {
  codeDigest: string;
  clientId: string;
  redirectUri: string;
  /** RFC 7636 S256 challenge. */
  codeChallenge: string;
  nonce: string | null;
  /** RFC 8707 resources of the request (the token's audience). */
  resources: string[];
  /** The scope elements granted (after planning and consent). */
  scopes: string[];
  userId: string;
  /** Keyed digest of the browser session that signed the person in. */
  sessionIdDigest: string;
  /** Epoch ms of the person's authentication (OIDC auth_time). */
  authTime: number;
  /** Authentication methods (OIDC amr) of the checks passed. */
  amr: string[];
  /** The grant (refresh-token family) every token issued from this code belongs to: revoked on a second use. */
  grantId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** Longest life of a code (RFC 9700 §4.5 / OAuth 2.1: short; we use 60 s). */
export const AUTHORIZATION_CODE_LIFETIME_MS = 60_000;

/** What authorization codes need from storage; `store/` implements it. */
export interface AuthorizationCodesStore {
  insert(code: AuthorizationCode): Promise<void>;
  /**
   * Marks the code used, atomically (one of concurrent redemptions wins). Undefined: no such code.
   * `firstUse` false: it was used before (a replay), the row as stored is returned so the grant can be revoked.
   */
  redeem(codeDigest: string, now: number): Promise<{ code: AuthorizationCode; firstUse: boolean } | undefined>;
}
