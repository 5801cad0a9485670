import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '../clients/client.js';
import type { GatehouseConfig } from '../config/config.js';
import type { SecretDigester } from '../keys/secret-digest.js';
import { parseAuthorizationRequest } from '../oauth/authorization/authorization-request-parser.js';
import { errorResponse } from '../oauth/authorization/authorization-response.js';
import { servedResources } from '../oauth/resource-indicators.js';
import type { SignInFlow } from '../oauth/authorization/sign-in-flow.js';
import { AUTHORIZATION_PATH, SIGN_IN_PAGES_PATH } from '../oauth/endpoints/paths.js';
import type { PushedRequestsStore } from '../sign-in/pushed-request.js';
import { setBrowserCookie, setSessionCookie } from './browser-cookies.js';
import { browserOf } from './browser-context.js';
import { answerClient } from './answer-client.js';
import { sendPage, type PageContext } from './page-reply.js';

export interface AuthorizeEndpointServices {
  config: Pick<GatehouseConfig, 'issuer' | 'resources'>;
  flow: Pick<SignInFlow, 'begin'>;
  client(clientId: string): Client | undefined;
  pushedRequests: Pick<PushedRequestsStore, 'take'>;
  digester: Pick<SecretDigester, 'digest'>;
  page: PageContext;
}

/**
 * `GET`/`POST /oauth/authorize` (RFC 6749 §4.1.1): checks the request, then answers the client at once (single
 * sign-on, prompt=none, errors) or sends the person to the sign-in pages. An unknown client or redirect URI is
 * shown on a page and never redirected to.
 */
export function registerAuthorizeEndpoint(app: FastifyInstance, services: AuthorizeEndpointServices): void {
  const { config } = services;
  const authorize = async (request: FastifyRequest, reply: FastifyReply, raw: unknown) => {
    const parsed = await parseAuthorizationRequest(raw, {
      client: (clientId) => services.client(clientId),
      pushedRequests: services.pushedRequests,
      digest: (secret) => services.digester.digest(secret),
      resources: servedResources(config),
      now: Date.now(),
    });
    if (parsed.kind === 'page-error') return sendPage(request, reply, services.page, { kind: 'error', status: 400, title: parsed.title, detail: parsed.detail });
    if (parsed.kind === 'redirect-error') {
      return answerClient(request, reply, services.page, errorResponse(parsed.target, parsed.error, parsed.description, config.issuer));
    }
    const started = await services.flow.begin(parsed.request, parsed.client, browserOf(request, config.issuer));
    if (started.kind === 'respond') {
      if (started.session) setSessionCookie(reply, config.issuer, started.session.sessionId, started.session.maxAgeSeconds);
      return answerClient(request, reply, services.page, started.response);
    }
    if (started.newBrowserToken) setBrowserCookie(reply, config.issuer, started.browserToken);
    return reply.header('Cache-Control', 'no-store').redirect(`${config.issuer}${SIGN_IN_PAGES_PATH}/${started.interactionId}`, 303);
  };
  app.get(AUTHORIZATION_PATH, (request, reply) => authorize(request, reply, request.query));
  app.post(AUTHORIZATION_PATH, (request, reply) => {
    const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/x-www-form-urlencoded') {
      return sendPage(request, reply, services.page, {
        kind: 'error',
        status: 400,
        title: 'error.invalidRequest',
        detail: 'an authorization request sent by POST must be a form (application/x-www-form-urlencoded)',
      });
    }
    return authorize(request, reply, request.body);
  });
}
