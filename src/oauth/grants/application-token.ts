import { accessTokenScopes } from '../../clients/client.js';
import type { UsersStore } from '../../users/users-store.js';
import type { ClientAssertionVerifier } from '../client-auth/private-key-jwt.js';
import type { SecurityGate } from '../security-gate.js';
import { clientHolder, userHolder, type TokenTail } from '../token-tail.js';
import { userToActFor } from './act-for-user.js';
import { requiredClient, type ClientAuthentication, type GrantHandle } from './grant.js';

/**
 * The application token: an application proves its secret (client authentication) and its private key
 * (`request`: a JWT it signed with a registered key: iss = its client id, aud the endpoint or the issuer,
 * short-lived, single-use jti, optional `sub` = a user to act for and `scope`). Served by its own endpoint.
 */
export const grantType = 'application_token';
export const clientAuthentication: ClientAuthentication = 'required';

export function handler(services: {
  gate: Pick<SecurityGate, 'plan'>;
  tail: Pick<TokenTail, 'finish'>;
  assertions: Pick<ClientAssertionVerifier, 'verifyAppRequest'>;
  users: Pick<UsersStore, 'findByIdOrUsername'>;
  /** The `aud` the request must name: the endpoint's URL. */
  appTokenAudience: () => string;
}): GrantHandle {
  const { gate, tail, assertions, users } = services;
  return async (authenticated, params, facts) => {
    const client = requiredClient(authenticated);
    const claims = await assertions.verifyAppRequest(params.require('request'), client, services.appTokenAudience());
    const planned = gate.plan(client, typeof claims.scope === 'string' ? claims.scope : undefined, accessTokenScopes(client));
    const holder =
      typeof claims.sub === 'string' && claims.sub !== client.clientId
        ? userHolder(await userToActFor(users, client, claims.sub, { caller: 'application', namedBy: 'request' }))
        : clientHolder(client);
    // The request is signed with the application's registered key: possession is proven.
    return tail.finish({ planned, facts: { ...facts, keyProven: true }, answer: params.get('challenge_response'), resources: [], holder });
  };
}
