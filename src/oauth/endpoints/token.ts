import type { FastifyInstance } from 'fastify';
import { clientLogFields } from '../../clients/client.js';
import { noStore, refuseOtherMethods } from './oauth-replies.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { FormParams } from '../form-params.js';
import type { Grant } from '../grants/grant.js';
import { OAuthError } from '../oauth-error.js';
import { TOKEN_PATH } from './paths.js';
import { facts, type TokenMetrics } from './request-facts.js';
import type { TokenRateLimits } from './token-rate-limits.js';

/** What the token endpoint uses. */
export interface TokenEndpointServices {
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  /** The grant table (grants/grant-table.ts), by grant type. */
  grants: ReadonlyMap<string, Grant>;
  limits: TokenRateLimits;
  metrics: TokenMetrics;
}

/** RFC 6749 token endpoint: dispatches by the grant table; the grant says whether the client must authenticate first. */
export function registerTokenEndpoint(app: FastifyInstance, services: TokenEndpointServices): void {
  refuseOtherMethods(app, TOKEN_PATH);
  // Password checks are limited by the password guard (users/password-sign-in.ts), counted on arrival in shared counters.
  const { authenticator, grants, limits, metrics } = services;
  app.post(TOKEN_PATH, { onRequest: limits.limitAddress }, async (request, reply) => {
    noStore(reply);
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    const grantType = params.require('grant_type');
    const grant = grants.get(grantType);
    // An unknown grant type is answered after client authentication, like any grant that requires it.
    const optional = grant?.clientAuthentication === 'optional';
    const sentAuthentication = request.headers.authorization !== undefined || params.get('client_secret') !== undefined || params.get('client_assertion') !== undefined;
    const authenticated = optional && !sentAuthentication ? undefined : await authenticator.authenticate(request.headers, params, { allowPublic: true });
    if (authenticated) limits.countClient(authenticated.client.clientId);
    // Without client authentication, the (not yet verified) assertion names the client: refused at once when it is spent.
    else limits.refuseIfSpent(params.get('assertion'));
    if (!grant) throw new OAuthError(400, 'unsupported_grant_type', `the grant type '${grantType}' is not supported`);
    const { response, issued } = await grant.handle(authenticated?.client, params, facts(request, grant.grantType, authenticated?.method ?? 'none'));
    // A grant that proved its client itself is counted once the token is issued (never refused then).
    if (!authenticated) limits.recordClient(issued.clientId);
    metrics.tokenIssued(grant.grantType, issued.clientId);
    // Debug level: a line per token would cost the hot path its throughput.
    if (!optional && authenticated) request.log.debug({ ...clientLogFields(authenticated.client), grantType, scope: response.scope }, 'access token issued');
    return response;
  });
}
