import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { TokenRequestFacts } from '../security-gate.js';
import { clientLogFields, type Client } from '../../clients/client.js';
import type { TokenResponse } from '../grants/token-response.js';
import { FormParams } from '../form-params.js';
import type { OAuthServices } from '../../server/oauth-services.js';
import { OAuthError } from '../oauth-error.js';
import { noStore, refuseOtherMethods } from './oauth-endpoints.js';
import { JWT_BEARER_GRANT } from '../grants/jwt-bearer.js';

export const TOKEN_PATH = '/oauth/token';

/** What the security checks learn about a token request. */
export function facts(request: FastifyRequest, grantType: string, method: TokenRequestFacts['clientAuthMethod']): TokenRequestFacts {
  return { sourceAddress: request.ip, grantType, clientAuthMethod: method, keyProven: method === 'private_key_jwt', headers: request.headers };
}

/** RFC 6749 token endpoint. */
export async function registerTokenEndpoint(app: FastifyInstance, services: OAuthServices): Promise<void> {
  refuseOtherMethods(app, TOKEN_PATH);
  // Password checks are limited by the password guard (users/password-sign-in.ts), counted on arrival in shared counters.
  const limits = services.tokenRateLimits;
  app.post(TOKEN_PATH, { onRequest: limits.limitAddress }, async (request, reply) => {
    noStore(reply);
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    const grantType = params.require('grant_type');
    if (grantType === JWT_BEARER_GRANT) {
      // The signed assertion itself identifies the client; client authentication, if sent, must agree.
      const sentAuthentication = request.headers.authorization !== undefined || params.get('client_secret') !== undefined || params.get('client_assertion') !== undefined;
      const authenticated = sentAuthentication ? await services.authenticator.authenticate(request.headers, params) : undefined;
      if (authenticated) limits.countClient(authenticated.client.clientId);
      else limits.refuseIfSpent(params.get('assertion'));
      const response = await services.jwtBearer.handle(authenticated?.client, params, facts(request, grantType, authenticated?.method ?? 'none'));
      const clientId = String(decodeJwt(response.access_token).client_id);
      if (!authenticated) limits.recordClient(clientId);
      services.metrics.tokenIssued(grantType, clientId);
      return response;
    }
    const { client, method } = await services.authenticator.authenticate(request.headers, params);
    limits.countClient(client.clientId);
    const response = await grant(grantType, client, params, facts(request, grantType, method));
    services.metrics.tokenIssued(grantType, client.clientId);
    // Debug level: a line per token would cost the hot path its throughput.
    request.log.debug({ ...clientLogFields(client), grantType, scope: response.scope }, 'access token issued');
    return response;
  });

  function grant(grantType: string, client: Client, params: FormParams, requestFacts: TokenRequestFacts): Promise<TokenResponse> {
    switch (grantType) {
      case 'client_credentials':
        return services.clientCredentials.handle(client, params, requestFacts);
      case 'password':
        return services.password.handle(client, params, requestFacts);
      case 'refresh_token':
        return services.refreshToken.handle(client, params, requestFacts);
      default:
        throw new OAuthError(400, 'unsupported_grant_type', `the grant type '${grantType}' is not supported`);
    }
  }
}
