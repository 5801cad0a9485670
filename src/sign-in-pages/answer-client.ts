import type { FastifyReply, FastifyRequest } from 'fastify';
import { redirectLocation, type AuthorizationResponse } from '../oauth/authorization/authorization-response.js';
import { sendPage, type PageContext } from './page-reply.js';

/** Sends an authorization response to the client: a 303 redirect (query), or a page that posts it (form_post). */
export function answerClient(request: FastifyRequest, reply: FastifyReply, page: PageContext, response: AuthorizationResponse): FastifyReply {
  reply.header('Cache-Control', 'no-store');
  if (response.responseMode === 'form_post') return sendPage(request, reply, page, { kind: 'form-post', redirectUri: response.redirectUri, params: response.params });
  // 303: a POST (the pages' forms) is followed by a GET, never resent (RFC 9700 §4.12).
  return reply.redirect(redirectLocation(response), 303);
}
