import type { FastifyInstance } from 'fastify';
import type { Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import { generateSecret, type SecretDigester } from '../../keys/secret-digest.js';
import { PUSHED_REQUEST_LIFETIME_S, REQUEST_URI_PREFIX, type PushedRequestsStore } from '../../sign-in/pushed-request.js';
import { parseAuthorizationRequest } from '../authorization/authorization-request-parser.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { FormParams } from '../form-params.js';
import { servedResources } from '../resource-indicators.js';
import { invalidRequest, OAuthError } from '../oauth-error.js';
import { noStore, refuseOtherMethods } from './oauth-replies.js';
import { PAR_PATH } from './paths.js';
import type { TokenRateLimits } from './token-rate-limits.js';

/** What the pushed authorization request endpoint uses. */
export interface ParEndpointServices {
  config: Pick<GatehouseConfig, 'issuer' | 'resources'>;
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  client(clientId: string): Client | undefined;
  pushedRequests: Pick<PushedRequestsStore, 'insert'>;
  digester: Pick<SecretDigester, 'digest'>;
  limits: Pick<TokenRateLimits, 'limitAddress' | 'countClient'>;
}

/**
 * RFC 9126: the client pushes its authorization request (authenticated, as at the token endpoint; a public
 * client by its client_id) and gets a one-time `request_uri` for the authorization endpoint, valid 60 s.
 * The request is checked as the authorization endpoint checks it, and refused here with RFC 6749 errors.
 */
export function registerParEndpoint(app: FastifyInstance, services: ParEndpointServices): void {
  refuseOtherMethods(app, PAR_PATH);
  app.post(PAR_PATH, { onRequest: services.limits.limitAddress }, async (request, reply) => {
    noStore(reply);
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    const { client } = await services.authenticator.authenticate(request.headers, params, { allowPublic: true });
    services.limits.countClient(client.clientId);
    const pushed = authorizationParams(request.body, client.clientId);
    const now = Date.now();
    const parsed = await parseAuthorizationRequest(pushed, {
      client: (clientId) => services.client(clientId),
      pushedRequests: { take: () => Promise.resolve(undefined) },
      digest: (secret) => services.digester.digest(secret),
      resources: servedResources(services.config),
      now,
      pushing: true,
    });
    if (parsed.kind === 'page-error') throw invalidRequest(parsed.detail);
    if (parsed.kind === 'redirect-error') throw new OAuthError(400, parsed.error, parsed.description);
    const secret = generateSecret();
    await services.pushedRequests.insert({
      requestUriDigest: services.digester.digest(secret),
      clientId: client.clientId,
      params: pushed,
      createdAt: now,
      expiresAt: now + PUSHED_REQUEST_LIFETIME_S * 1000,
    });
    return reply.status(201).send({ request_uri: `${REQUEST_URI_PREFIX}${secret}`, expires_in: PUSHED_REQUEST_LIFETIME_S });
  });
}

/** The authorization request's parameters of a PAR body: client credentials left out, client_id the authenticated client's. */
function authorizationParams(body: unknown, clientId: string): Record<string, string> {
  const credentials = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (credentials.has(name)) continue;
    // FormParams already refused repeated parameters; `resource` may repeat, kept as one space-free entry each.
    if (typeof value === 'string') params[name] = value;
    else if (name === 'resource' && Array.isArray(value)) throw invalidRequest('push at most one resource');
  }
  if (params.client_id !== undefined && params.client_id !== clientId) throw invalidRequest('client_id differs from the authenticated client');
  params.client_id = clientId;
  return params;
}
