import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminToken } from './admin-token.js';

/** onRequest hook: the admin API needs `Authorization: Bearer <admin token>`. */
export function requireAdminToken(adminToken: AdminToken) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    if (match?.[1] && adminToken.matches(match[1])) return;
    await reply
      .status(401)
      .header('WWW-Authenticate', `Bearer realm="gatehouse-admin"${match ? ', error="invalid_token"' : ''}`)
      .send({ error: match ? 'invalid_token' : 'unauthorized', error_description: 'the admin API needs Authorization: Bearer <admin token>' });
  };
}
