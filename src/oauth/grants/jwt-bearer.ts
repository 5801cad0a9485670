import { accessTokenScopes } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { UsersStore } from '../../users/users-store.js';
import type { ClientAssertionVerifier } from '../client-auth/private-key-jwt.js';
import { OAuthError } from '../oauth-error.js';
import { requestedResources, servedResources } from '../resource-indicators.js';
import type { SecurityGate } from '../security-gate.js';
import { userHolder, type TokenTail } from '../token-tail.js';
import { userToActFor } from './act-for-user.js';
import type { ClientAuthentication, GrantHandle } from './grant.js';

/**
 * RFC 7523 §2.1: a trusted application signs an assertion naming a user (`sub`: id or username) with its
 * registered key and gets an access token for that user. Only for clients allowed to act for users.
 * The signed assertion itself identifies the client; client authentication, if sent, must agree.
 */
export const grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const clientAuthentication: ClientAuthentication = 'optional';

export function handler(services: {
  config: Pick<GatehouseConfig, 'issuer' | 'resources'>;
  gate: Pick<SecurityGate, 'plan'>;
  tail: Pick<TokenTail, 'finish'>;
  assertions: Pick<ClientAssertionVerifier, 'verifyGrant'>;
  users: Pick<UsersStore, 'findByIdOrUsername'>;
}): GrantHandle {
  const { config, gate, tail, assertions, users } = services;
  /** `authenticated` is the client that authenticated the request, if it did; it must be the assertion's. */
  return async (authenticated, params, facts) => {
    const { client, subject } = await assertions.verifyGrant(params.require('assertion'));
    if (authenticated && authenticated.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'the assertion was signed for another client');
    const user = await userToActFor(users, client, subject, { caller: 'client', namedBy: 'assertion' });
    const planned = gate.plan(client, params.get('scope'), accessTokenScopes(client));
    const resources = requestedResources(params.all('resource'), servedResources(config));
    // The assertion is signed with the client's registered key: possession is proven.
    return tail.finish({ planned, facts: { ...facts, keyProven: true }, answer: params.get('challenge_response'), resources, holder: userHolder(user) });
  };
}
