import type { FastifyInstance } from 'fastify';
import { ClientValidationError } from '../clients/client-metadata.js';
import type { GatehouseConfig } from '../config/config.js';
import type { SigningKeys } from '../keys/signing-keys.js';

/** What the signing-key routes use. */
export interface KeysApiServices {
  keys: SigningKeys;
  config: Pick<GatehouseConfig, 'keyActivationDelay' | 'signingAlg'>;
}
import { signingKeyJson } from '../keys/signing-key-json.js';

/** `/admin/api/keys`: signing keys and their rotation. */
export function registerKeysApi(app: FastifyInstance, gatehouse: KeysApiServices): void {
  app.get('/keys', async () => ({ keys: gatehouse.keys.status(Date.now()).map(signingKeyJson) }));

  app.post('/keys/rotate', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const delay = body.activation_delay ?? gatehouse.config.keyActivationDelay;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 7 * 86400) {
      throw new ClientValidationError('activation_delay', 'must be an integer number of seconds from 0 to 604800');
    }
    const status = await gatehouse.keys.rotate(gatehouse.config.signingAlg, delay);
    request.log.info({ kid: status.kid, activatesAt: status.activatesAt }, 'signing key rotated');
    return reply.status(201).send(signingKeyJson(status));
  });
}
