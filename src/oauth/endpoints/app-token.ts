import type { FastifyInstance, FastifyReply } from 'fastify';
import { accessTokenScopes } from '../../clients/client.js';
import type { Gatehouse } from '../../gatehouse.js';
import { FormParams } from '../form-params.js';
import { facts } from './token.js';
import { tokenResponse } from '../grants/token-response.js';
import type { OAuthServices } from '../../server/oauth-services.js';
import { OAuthError } from '../oauth-error.js';
import { noStore, refuseOtherMethods } from './oauth-endpoints.js';

export const APP_TOKEN_PATH = '/api/auth/sign/ap/token';

/** Sets the access token as the configured cookie. */
export function setTokenCookie(reply: FastifyReply, gatehouse: Gatehouse, token: string, maxAgeSeconds: number): void {
  const delivery = gatehouse.tokenDelivery.current();
  reply.setCookie(delivery.cookie_name, token, {
    path: delivery.cookie_path,
    ...(delivery.cookie_domain ? { domain: delivery.cookie_domain } : {}),
    sameSite: delivery.cookie_same_site,
    secure: delivery.cookie_secure ?? gatehouse.config.issuer.startsWith('https://'),
    httpOnly: delivery.cookie_http_only,
    maxAge: maxAgeSeconds,
  });
}

/**
 * The application token endpoint: one server-to-server call in which an application proves its secret
 * (HTTP Basic or client_secret_post) and its private key (`request`: a JWT it signed with a registered key:
 * iss = its client id, aud this endpoint or the issuer, short-lived, single-use jti, optional `sub` = a user
 * to act for and `scope`). Browsers are refused: a request with an Origin header is answered 403, never CORS.
 */
export function registerAppTokenEndpoint(app: FastifyInstance, services: OAuthServices, gatehouse: Gatehouse): void {
  refuseOtherMethods(app, APP_TOKEN_PATH);
  // Its own OPTIONS route, so that the CORS preflight handling of /api/... never answers for this endpoint.
  app.options(APP_TOKEN_PATH, async () => {
    throw new OAuthError(405, 'invalid_request', `${APP_TOKEN_PATH} accepts POST only, from servers; it never answers CORS`, { Allow: 'POST' });
  });
  app.post(APP_TOKEN_PATH, { onRequest: services.tokenRateLimits.limitAddress }, async (request, reply) => {
    noStore(reply);
    if (request.headers.origin !== undefined) {
      throw new OAuthError(403, 'invalid_request', 'the application token endpoint is for server-to-server calls only');
    }
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    if (params.get('client_assertion') !== undefined) throw new OAuthError(400, 'invalid_request', 'authenticate with the application secret; the key signs the request');
    const { client, method } = await services.authenticator.authenticate(request.headers, params);
    services.tokenRateLimits.countClient(client.clientId);
    const claims = await services.assertions.verifyAppRequest(params.require('request'), client, `${gatehouse.config.issuer}${APP_TOKEN_PATH}`);
    // The request is signed with the application's registered key: possession is proven.
    const planned = services.gate.plan({
      client,
      scope: typeof claims.scope === 'string' ? claims.scope : undefined,
      allowed: accessTokenScopes(client),
      request: { ...facts(request, 'application_token', method), keyProven: true },
      challengeResponse: params.get('challenge_response'),
    });
    const { scopes, lifetime } = planned;
    let issued;
    if (typeof claims.sub === 'string' && claims.sub !== client.clientId) {
      if (!client.mayActForUsers) throw new OAuthError(400, 'unauthorized_client', 'this application may not act for users');
      const user = await gatehouse.usersRepository.findByIdOrUsername(claims.sub);
      if (!user?.enabled) throw new OAuthError(400, 'invalid_grant', 'the request names no enabled user');
      await services.gate.enforce(planned);
      issued = await services.issuer.issueForUser({ client, user, scopes, resources: [], lifetime });
    } else {
      await services.gate.enforce(planned);
      issued = await services.issuer.issue({ client, subject: client.clientId, scopes, resources: [], lifetime });
    }
    const response = tokenResponse(issued, scopes);
    services.metrics.tokenIssued('application_token', client.clientId);
    if (params.get('set_cookie') === 'true') setTokenCookie(reply, gatehouse, issued.accessToken, issued.expiresIn);
    request.log.info({ clientId: client.clientId, sub: claims.sub ?? client.clientId }, 'application token issued');
    return response;
  });
}
