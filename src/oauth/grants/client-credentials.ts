import { accessTokenScopes } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { StoreAvailability } from '../../store/store-availability.js';
import { OAuthError } from '../oauth-error.js';
import { requestedResources, servedResources } from '../resource-indicators.js';
import type { SecurityGate } from '../security-gate.js';
import { clientHolder, type TokenTail } from '../token-tail.js';
import { requiredClient, type ClientAuthentication, type GrantHandle } from './grant.js';

/** RFC 6749 §4.4: a client asks for a token for itself. Needs no database (cached clients and keys). */
export const grantType = 'client_credentials';
export const clientAuthentication: ClientAuthentication = 'required';

export function handler(services: {
  config: Pick<GatehouseConfig, 'issuer' | 'resources'>;
  gate: Pick<SecurityGate, 'plan'>;
  tail: Pick<TokenTail, 'finish'>;
  /** Told of every token issued, so that an outage log says this grant keeps working from cache. */
  availability?: Pick<StoreAvailability, 'servedFromCache'> | undefined;
}): GrantHandle {
  const { config, gate, tail, availability } = services;
  return async (authenticated, params, facts) => {
    const client = requiredClient(authenticated);
    if (!client.grantTypes.includes('client_credentials')) {
      throw new OAuthError(400, 'unauthorized_client', 'this client may not use the client_credentials grant');
    }
    const planned = gate.plan(client, params.get('scope'), accessTokenScopes(client));
    const resources = requestedResources(params.all('resource'), servedResources(config));
    const issued = await tail.finish({ planned, facts, answer: params.get('challenge_response'), resources, holder: clientHolder(client) });
    availability?.servedFromCache('client_credentials tokens');
    return issued;
  };
}
