import type { FastifyInstance, FastifyReply } from 'fastify';
import { OAuthError } from '../oauth-error.js';

/** Answers every method but POST on a POST-only endpoint with 405 and the RFC 6749 error body. */
export function refuseOtherMethods(app: FastifyInstance, url: string): void {
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url,
    handler: async () => {
      throw new OAuthError(405, 'invalid_request', `${url} accepts POST only`, { Allow: 'POST' });
    },
  });
}

/** RFC 6749 §5.1: token responses (and every OAuth answer about tokens) are never cached. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
}
