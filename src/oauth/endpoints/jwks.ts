import type { FastifyInstance } from 'fastify';
import type { GatehouseConfig } from '../../config/config.js';
import type { SigningKeys } from '../../keys/signing-keys.js';
import { JWKS_PATH } from './paths.js';

/** What the JWKS endpoint uses. */
export interface JwksEndpointServices {
  config: Pick<GatehouseConfig, 'keyActivationDelay'>;
  keys: Pick<SigningKeys, 'jwks'>;
}

/** The public signing keys: the next key, the active one and retired ones whose tokens may still be valid. */
export function registerJwksEndpoint(app: FastifyInstance, services: JwksEndpointServices): void {
  app.get(JWKS_PATH, async (_request, reply) => {
    // Caches must not keep the set longer than a rotated key waits before it signs.
    const maxAge = Math.min(300, services.config.keyActivationDelay);
    return reply
      .header('Cache-Control', `public, max-age=${maxAge}`)
      .type('application/jwk-set+json')
      .send(JSON.stringify(services.keys.jwks(Date.now())));
  });
}
