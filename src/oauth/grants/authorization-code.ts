import type { Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { SecretDigester } from '../../keys/secret-digest.js';
import type { AuthorizationCode, AuthorizationCodesStore } from '../../sign-in/authorization-code.js';
import type { User } from '../../users/user.js';
import type { UsersStore } from '../../users/users-store.js';
import { pkceVerifierMatches } from '../authorization/pkce.js';
import { OAuthError } from '../oauth-error.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import { lifetimeWithin, type SecurityGate } from '../security-gate.js';
import { browserCheckStateKey } from '../../sign-in/check-state-key.js';
import { userHolder, type TokenTail } from '../token-tail.js';
import { requiredClient, type ClientAuthentication, type GrantHandle } from './grant.js';

/** Signs OpenID Connect ID tokens (oauth/id-token-issuer.ts). */
export interface IdTokenSigner {
  issue(request: { client: Client; user: User; nonce: string | undefined; authTime: number; amr: string[]; accessToken: string; scopes: string[] }): Promise<string>;
}

const INVALID_CODE = 'the authorization code is not valid';
export const OPENID = 'openid';

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636): a code from browser sign-in, once, by its client, with the redirect URI
 * and the verifier of its request. A second use revokes every token issued from the code (RFC 6749 §4.1.2).
 */
export const grantType = 'authorization_code';
export const clientAuthentication: ClientAuthentication = 'required';

export function handler(services: {
  config: Pick<GatehouseConfig, 'resources'>;
  gate: Pick<SecurityGate, 'plan' | 'checksPassedUntil'>;
  tail: Pick<TokenTail, 'finish'>;
  refreshTokens: Pick<RefreshTokens, 'revokeFamily' | 'familyRevoked'>;
  users: Pick<UsersStore, 'get'>;
  codes: Pick<AuthorizationCodesStore, 'redeem'>;
  digester: Pick<SecretDigester, 'digest'>;
  idTokens: IdTokenSigner;
}): GrantHandle {
  const { gate, tail, refreshTokens, users, codes, digester, idTokens } = services;
  return async (authenticated, params, facts) => {
    const client = requiredClient(authenticated);
    if (!client.grantTypes.includes('authorization_code')) throw new OAuthError(400, 'unauthorized_client', 'this client may not use the authorization code grant');
    const presented = params.require('code');
    const redirectUri = params.require('redirect_uri');
    const verifier = params.require('code_verifier');
    if (presented.length > 100) throw new OAuthError(400, 'invalid_grant', INVALID_CODE);
    const now = Date.now();
    const redeemed = await codes.redeem(digester.digest(presented), now);
    if (!redeemed) throw new OAuthError(400, 'invalid_grant', INVALID_CODE);
    const { code, firstUse } = redeemed;
    if (!firstUse) {
      // RFC 6749 §4.1.2 / RFC 9700 §4.5: the code leaked; what was issued from it is revoked.
      await refreshTokens.revokeFamily({ familyId: code.grantId, clientId: code.clientId });
      throw new OAuthError(400, 'invalid_grant', 'the authorization code was already used; the tokens issued from it are revoked');
    }
    refuseMismatch(code, client, redirectUri, verifier, now);
    const user = await users.get(code.userId);
    if (!user?.enabled) throw new OAuthError(400, 'invalid_grant', 'the user of this authorization code is disabled or gone');
    // The checks ran in the browser when the code was issued: plan the lifetime and drop what the client may no longer have;
    // the token ends no later than the checks' current success (stored per person, as the sign-in pages left it).
    const withChecks = gate.plan(client, code.scopes, client.scopes, { dropRefused: true });
    const passedUntil = await gate.checksPassedUntil(withChecks, browserCheckStateKey(client.clientId, user.id));
    const planned = { ...withChecks, lifetime: lifetimeWithin(withChecks.lifetime, passedUntil, Date.now()), checks: [] };
    const issued = await tail.finish({ planned, facts, answer: undefined, resources: code.resources, holder: userHolder(user), refreshToken: 'start', grantId: code.grantId });
    // A replay racing this redemption revoked the grant, perhaps before the refresh token above existed: that token
    // does not outlive the replay (revokeFamily records the grant first: this read sees it, or the token was revoked).
    // The answer still goes out (this redemption won), its tokens refused like the access token already is.
    if (await refreshTokens.familyRevoked(code.grantId)) await refreshTokens.revokeFamily({ familyId: code.grantId, clientId: code.clientId });
    if (planned.scopes.includes(OPENID)) {
      issued.response.id_token = await idTokens.issue({
        client,
        user,
        nonce: code.nonce ?? undefined,
        authTime: code.authTime,
        amr: code.amr,
        accessToken: issued.response.access_token,
        scopes: planned.scopes,
      });
    }
    return issued;
  };
}

/** Every binding of the code (RFC 6749 §4.1.3, RFC 7636 §4.6), each answered invalid_grant. */
function refuseMismatch(code: AuthorizationCode, client: Client, redirectUri: string, verifier: string, now: number): void {
  if (code.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'the authorization code was issued to another client');
  if (code.expiresAt <= now) throw new OAuthError(400, 'invalid_grant', 'the authorization code has expired');
  if (code.redirectUri !== redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
  if (!pkceVerifierMatches(verifier, code.codeChallenge)) throw new OAuthError(400, 'invalid_grant', 'the PKCE code_verifier does not match the code_challenge');
}
