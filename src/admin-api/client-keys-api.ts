import type { FastifyInstance } from 'fastify';
import { CLIENT_KEY_ALGS, type ClientKeyAlg } from '../clients/client-keys.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import { FieldValidationError } from '../shared/errors.js';

interface KeyParams {
  id: string;
  kid: string;
}

/** `/admin/api/clients/:id/keys`: a client's public keys; generating a pair returns the private key once. */
export function registerClientKeysApi(app: FastifyInstance, registry: ClientRegistry): void {
  app.get<{ Params: KeyParams }>('/clients/:id/keys', async (request) => ({ keys: (await registry.get(request.params.id)).jwks?.keys ?? [] }));

  app.post<{ Params: KeyParams }>('/clients/:id/keys', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new FieldValidationError('body', 'must be a JSON object');
    for (const field of Object.keys(body)) {
      if (!['key', 'kid', 'alg'].includes(field)) throw new FieldValidationError(field, 'unknown field; use key, kid or alg');
    }
    if (body.kid !== undefined && typeof body.kid !== 'string') throw new FieldValidationError('kid', 'must be a string');
    if (body.alg !== undefined && !(CLIENT_KEY_ALGS as readonly unknown[]).includes(body.alg)) throw new FieldValidationError('alg', `must be one of ${CLIENT_KEY_ALGS.join(', ')}`);
    reply.header('Cache-Control', 'no-store');
    if (body.key === undefined) {
      const { jwk, privateKeyPem } = await registry.generateKey(request.params.id, (body.alg as ClientKeyAlg | undefined) ?? 'ES256', body.kid);
      request.log.info({ clientId: request.params.id, kid: jwk.kid }, 'client key pair generated');
      return reply.status(201).send({ key: jwk, private_key_pem: privateKeyPem });
    }
    const jwk = await registry.addKey(request.params.id, body.key, { kid: body.kid, alg: body.alg as string | undefined });
    request.log.info({ clientId: request.params.id, kid: jwk.kid }, 'client key registered');
    return reply.status(201).send({ key: jwk });
  });

  app.delete<{ Params: KeyParams }>('/clients/:id/keys/:kid', async (request, reply) => {
    await registry.removeKey(request.params.id, request.params.kid);
    request.log.info({ clientId: request.params.id, kid: request.params.kid }, 'client key removed');
    return reply.status(204).send();
  });
}
