import type { GatehouseConfig } from '../../config/config.js';
import type { PasswordSignIn } from '../../users/password-sign-in.js';
import { TooManyAttempts } from '../../users/attempt-limiter.js';
import { passwordAttemptsRefused } from '../password-attempts-refused.js';
import { OAuthError } from '../oauth-error.js';
import { requestedResources, servedResources } from '../resource-indicators.js';
import type { SecurityGate } from '../security-gate.js';
import { userHolder, type TokenTail } from '../token-tail.js';
import { requiredClient, type ClientAuthentication, type GrantHandle } from './grant.js';

const INVALID_CREDENTIALS = 'the username or password is wrong, or the account is disabled';

/**
 * RFC 6749 §4.3: a trusted client exchanges a user's username and password for tokens. The password check
 * goes through the one password guard (per address, per client, per user, counted on arrival).
 */
export const grantType = 'password';
export const clientAuthentication: ClientAuthentication = 'required';

export function handler(services: {
  config: Pick<GatehouseConfig, 'issuer' | 'resources'>;
  gate: Pick<SecurityGate, 'plan'>;
  tail: Pick<TokenTail, 'finish'>;
  signIn: Pick<PasswordSignIn, 'check'>;
}): GrantHandle {
  const { config, gate, tail, signIn } = services;
  return async (authenticated, params, facts) => {
    const client = requiredClient(authenticated);
    if (!client.grantTypes.includes('password')) throw new OAuthError(400, 'unauthorized_client', 'this client may not use the password grant');
    const username = params.require('username');
    const password = params.require('password');
    const planned = gate.plan(client, params.get('scope'), client.scopes);
    const resources = requestedResources(params.all('resource'), servedResources(config));
    const result = await signIn.check(username, password, { sourceAddress: facts.sourceAddress, clientId: client.clientId }).catch((error: unknown) => {
      throw error instanceof TooManyAttempts ? passwordAttemptsRefused(error) : error;
    });
    if (!result.ok) throw new OAuthError(400, 'invalid_grant', INVALID_CREDENTIALS);
    return tail.finish({ planned, facts, answer: params.get('challenge_response'), resources, holder: userHolder(result.user), refreshToken: 'start' });
  };
}
