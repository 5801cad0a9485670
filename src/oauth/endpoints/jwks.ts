import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../../gatehouse.js';

export const JWKS_PATH = '/oauth/jwks';

/** The public signing keys: the next key, the active one and retired ones whose tokens may still be valid. */
export function registerJwksEndpoint(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.get(JWKS_PATH, async (_request, reply) => {
    // Caches must not keep the set longer than a rotated key waits before it signs.
    const maxAge = Math.min(300, gatehouse.config.keyActivationDelay);
    return reply
      .header('Cache-Control', `public, max-age=${maxAge}`)
      .type('application/jwk-set+json')
      .send(JSON.stringify(gatehouse.keys.jwks(Date.now())));
  });
}
