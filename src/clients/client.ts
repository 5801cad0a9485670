import type { JSONWebKeySet } from 'jose';

/** Grant types a client may be registered for. */
export const GRANT_TYPES = ['client_credentials', 'password', 'authorization_code'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** Client authentication methods at the token, introspection and revocation endpoints. */
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** How a client is registered to authenticate: one of AUTH_METHODS, or 'none' for a public client (browser or native app, RFC 8252). */
export const CLIENT_AUTH_METHODS = [...AUTH_METHODS, 'none'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** Algorithms a client may sign assertions with; each fits one key type. */
export const CLIENT_KEY_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type ClientKeyAlg = (typeof CLIENT_KEY_ALGS)[number];

export const OFFLINE_ACCESS = 'offline_access';
export const DEFAULT_ACCESS_TOKEN_LIFETIME = 7200;
export const MAX_ACCESS_TOKEN_LIFETIME = 99_999_999;
export const DEFAULT_REFRESH_TOKEN_LIFETIME = 30 * 86_400;

/** A registered client as the domain sees it. Secrets exist only as keyed digests. */
export interface Client {
  clientId: string;
  clientName: string;
  secretDigest: string | null;
  previousSecretDigest: string | null;
  /** Epoch ms after which the previous secret stops working. */
  previousSecretExpiresAt: number | null;
  grantTypes: GrantType[];
  scopes: string[];
  /** 'none': a public client, which has no secret and may use only the authorization code grant. */
  tokenEndpointAuthMethod: ClientAuthMethod;
  /** Seconds; 0 means only the server's maximum applies. */
  accessTokenLifetime: number;
  refreshTokens: boolean;
  enabled: boolean;
  /** Epoch ms after which the client is refused; null for never. */
  expiresAt: number | null;
  allowedOrigins: string[];
  jwks: JSONWebKeySet | null;
  /** Seconds a refresh token lives (default 30 days). */
  refreshTokenLifetime: number;
  /** May obtain tokens for users by a signed assertion (JWT-bearer grant). */
  mayActForUsers: boolean;
  /** Name of the client's security profile (scope mapping, mandatory scope, token lifetime), or null. */
  profile: string | null;
  /** Keyed digest of the PIN an administrator set for the PinCode check, or null. */
  pinDigest: string | null;
  /** Redirect URIs of the authorization code flow, matched exactly (the port of loopback ones aside). */
  redirectUris: string[];
  /** Where OpenID Connect RP-initiated logout may send the browser afterwards. */
  postLogoutRedirectUris: string[];
  /** A first-party client: people are not asked to consent to its scopes. */
  skipConsent: boolean;
  /** RFC 9126: authorization requests must be pushed first (request_uri). */
  requirePushedAuthorizationRequests: boolean;
  /**
   * The scope a token request without one gets: null for every allowed element, [] for none (a token good
   * only for resources that need no scope).
   */
  defaultScope: string[] | null;
  /** Tokens issued for users carry their roles (the `roles` claim) even without the `roles` scope. */
  rolesClaim: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A public client: no secret, no key; it can keep nothing confidential (RFC 6749 §2.1). */
export function isPublicClient(client: Pick<Client, 'tokenEndpointAuthMethod'>): boolean {
  return client.tokenEndpointAuthMethod === 'none';
}

/** The scope elements an access token may carry for this client (offline_access only governs refresh tokens). */
export function accessTokenScopes(client: Client): string[] {
  return client.scopes.filter((scope) => scope !== OFFLINE_ACCESS);
}

/** How a client appears in log lines: its id and its name. */
export function clientLogFields(client: Pick<Client, 'clientId' | 'clientName'>): { clientId: string; clientName: string } {
  return { clientId: client.clientId, clientName: client.clientName };
}

/** Why a client may not obtain or use tokens right now, or null when it may. */
export function clientUnusableReason(client: Client, now: number): string | null {
  if (!client.enabled) return 'client is disabled';
  if (client.expiresAt !== null && client.expiresAt <= now) return 'client has expired';
  return null;
}
