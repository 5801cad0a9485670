import type { Client } from '../clients/client.js';
import { ROLES_CLAIM, ROLES_SCOPE, type User } from '../users/user.js';

/** OpenID Connect scopes that ask for claims about the user (OIDC Core §5.4). */
export const OPENID_SCOPE = 'openid';
export const PROFILE_SCOPE = 'profile';
export const EMAIL_SCOPE = 'email';

/** The claims Gatehouse can tell about a user (discovery's `claims_supported`). */
export const SUPPORTED_USER_CLAIMS = ['sub', 'name', 'preferred_username', 'updated_at', 'email', 'email_verified', ROLES_CLAIM] as const;

/**
 * Whether what is issued for a user (access token, ID token, UserInfo) carries the user's roles: the grant has the
 * `roles` scope, or the client's switch (`roles_claim`) is on.
 */
export function carriesRoles(scopes: readonly string[], client: Pick<Client, 'rolesClaim'>): boolean {
  return client.rolesClaim || scopes.includes(ROLES_SCOPE);
}

/**
 * The scopes a consent page lists: the granted ones, and `roles` when the client's roles_claim switch puts the
 * person's roles into its tokens without that scope (the person sees what the application learns).
 */
export function scopesToConsent(scopes: readonly string[], client: Pick<Client, 'rolesClaim'>): string[] {
  return carriesRoles(scopes, client) && !scopes.includes(ROLES_SCOPE) ? [...scopes, ROLES_SCOPE] : [...scopes];
}

/**
 * `sub` and the standard claims the granted scopes ask for (OIDC Core §5.4): `profile` gives name (the display
 * name, when set), preferred_username and updated_at; `email` gives email (when set) and email_verified,
 * false: Gatehouse does not verify addresses. `withRoles` (carriesRoles) adds `roles`, the user's roles.
 * Shared by the ID token and the UserInfo endpoint.
 */
export function userClaims(user: User, scopes: readonly string[], withRoles = false): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (scopes.includes(PROFILE_SCOPE)) {
    if (user.displayName !== null) claims.name = user.displayName;
    claims.preferred_username = user.username;
    claims.updated_at = Math.floor(user.updatedAt / 1000);
  }
  if (scopes.includes(EMAIL_SCOPE) && user.email !== null) {
    claims.email = user.email;
    claims.email_verified = false;
  }
  if (withRoles) claims[ROLES_CLAIM] = [...user.roles];
  return claims;
}
