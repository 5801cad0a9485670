import type { FastifyInstance, FastifyReply } from 'fastify';
import { prefersPlainText } from '../../http/accept-preference.js';
import { noStore, refuseOtherMethods } from './oauth-replies.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { FormParams } from '../form-params.js';
import type { Grant } from '../grants/grant.js';
import { OAuthError } from '../oauth-error.js';
import { APP_TOKEN_PATH } from './paths.js';
import { facts, type TokenMetrics } from './request-facts.js';
import type { TokenRateLimits } from './token-rate-limits.js';

/** What the application token endpoint uses. */
export interface AppTokenEndpointServices {
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  /** The application token grant (grants/application-token.ts). */
  grant: Grant;
  limits: TokenRateLimits;
  metrics: TokenMetrics;
  /** Sets the token as the configured cookie (`set_cookie=true`). */
  setTokenCookie: (reply: FastifyReply, token: string, maxAgeSeconds: number) => void;
}

/**
 * The application token endpoint: one server-to-server call in which an application proves its secret
 * (HTTP Basic or client_secret_post) and its private key (the grant's `request`). Browsers are refused: a
 * request with an Origin header is answered 403, never CORS. A request whose Accept header prefers
 * `text/plain` gets the bare access token as text (as the BI platform's endpoint answers); errors stay JSON.
 */
export function registerAppTokenEndpoint(app: FastifyInstance, services: AppTokenEndpointServices): void {
  const { authenticator, grant, limits, metrics } = services;
  refuseOtherMethods(app, APP_TOKEN_PATH);
  // Its own OPTIONS route, so that the CORS preflight handling of /api/... never answers for this endpoint.
  app.options(APP_TOKEN_PATH, async () => {
    throw new OAuthError(405, 'invalid_request', `${APP_TOKEN_PATH} accepts POST only, from servers; it never answers CORS`, { Allow: 'POST' });
  });
  app.post(APP_TOKEN_PATH, { onRequest: limits.limitAddress }, async (request, reply) => {
    noStore(reply);
    if (request.headers.origin !== undefined) {
      throw new OAuthError(403, 'invalid_request', 'the application token endpoint is for server-to-server calls only');
    }
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    if (params.get('client_assertion') !== undefined) throw new OAuthError(400, 'invalid_request', 'authenticate with the application secret; the key signs the request');
    const { client, method } = await authenticator.authenticate(request.headers, params);
    limits.countClient(client.clientId);
    const { response, issued } = await grant.handle(client, params, facts(request, grant.grantType, method));
    metrics.tokenIssued(grant.grantType, client.clientId);
    if (params.get('set_cookie') === 'true') services.setTokenCookie(reply, issued.accessToken, issued.expiresIn);
    request.log.info({ clientId: client.clientId, sub: issued.subject }, 'application token issued');
    if (prefersPlainText(request.headers.accept)) {
      void reply.type('text/plain; charset=utf-8');
      return issued.accessToken;
    }
    return response;
  });
}
