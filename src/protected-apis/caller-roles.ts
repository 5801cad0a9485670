import { ROLES_SCOPE } from '../users/user.js';
import type { AccessTokenClaims } from '../oauth/access-token-verifier.js';
import { BearerChallenge } from './bearer-challenge.js';

/** The roles a token carries (its `roles` claim: a user token with the `roles` scope or the client's roles_claim switch); [] without. */
export function tokenRoles(claims: AccessTokenClaims): string[] {
  const roles = claims.roles;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

/** The required roles a caller does not hold. */
export function missingRoles(held: readonly string[], required: readonly string[]): string[] {
  return required.filter((role) => !held.includes(role));
}

/**
 * The 403 refusal of a caller lacking roles: error `insufficient_role`, the roles in `roles` and in the
 * description; a token without a `roles` claim is told to ask for the `roles` scope.
 */
export function roleChallenge(missing: readonly string[], claims: AccessTokenClaims | undefined, what = 'the access token'): BearerChallenge {
  const names = missing.join(' ');
  const hint = claims !== undefined && claims.roles === undefined ? ` (it carries no roles claim; a user token has one with the scope ${ROLES_SCOPE}, or from a client with roles_claim on)` : '';
  return new BearerChallenge(403, 'insufficient_role', `${what} lacks the role ${names}${hint}`, undefined, names);
}
