import { accessTokenScopes, type Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { StoreAvailability } from '../../store/store-availability.js';
import type { AccessTokenIssuer } from '../access-token-issuer.js';
import type { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import type { SecurityGate, TokenRequestFacts } from '../security-gate.js';
import { tokenResponse, type TokenResponse } from './token-response.js';

/** RFC 6749 §4.4: a client asks for a token for itself. Needs no database (cached clients and keys). */
export class ClientCredentialsGrant {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly issuer: AccessTokenIssuer,
    private readonly gate: SecurityGate,
    /** Told of every token issued, so that an outage log says this grant keeps working from cache. */
    private readonly availability?: StoreAvailability,
  ) {}

  async handle(client: Client, params: FormParams, facts: TokenRequestFacts): Promise<TokenResponse> {
    if (!client.grantTypes.includes('client_credentials')) {
      throw new OAuthError(400, 'unauthorized_client', 'this client may not use the client_credentials grant');
    }
    const planned = this.gate.plan({ client, scope: params.get('scope'), allowed: accessTokenScopes(client), request: facts, challengeResponse: params.get('challenge_response') });
    const resources = requestedResources(params.all('resource'), this.config.resources);
    // Most clients need no check: skip the await (and its microtask) then.
    if (planned.checks.length > 0) await this.gate.enforce(planned);
    const { scopes, lifetime } = planned;
    const response = tokenResponse(await this.issuer.issue({ client, subject: client.clientId, scopes, resources, lifetime }), scopes);
    this.availability?.servedFromCache('client_credentials tokens');
    return response;
  }
}

/** RFC 8707: every requested resource must be registered with the server. */
export function requestedResources(requested: string[], registered: string[]): string[] {
  for (const resource of requested) {
    if (!registered.includes(resource)) throw new OAuthError(400, 'invalid_target', `the resource '${resource}' is not registered`);
  }
  return [...new Set(requested)];
}
