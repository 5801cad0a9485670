import type { FastifyInstance } from 'fastify';
import { clientLogFields } from '../clients/client.js';
import { ClientValidationError, toClientMetadata } from '../clients/client-metadata.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import { pageQuery } from '../http/query-params.js';
import type { CreatedClientJson, RotatedClientSecretJson } from './wire.js';
import { isRecord } from '../shared/is-record.js';

interface IdParams {
  id: string;
}

/** `/admin/api/clients`: the client registry over JSON. */
export function registerClientsApi(app: FastifyInstance, registry: ClientRegistry): void {
  app.get('/clients', async (request) => {
    const { search, limit, offset } = pageQuery(request.query);
    const { clients, total } = await registry.list({ search, limit, offset });
    return { clients: clients.map(toClientMetadata), total, limit, offset };
  });

  app.post('/clients', async (request, reply) => {
    const changes = await registry.parseChanges(request.body, 'create');
    const { client, clientSecret } = await registry.create(changes);
    request.log.info(clientLogFields(client), 'client created');
    return reply
      .status(201)
      .header('Location', `/admin/api/clients/${encodeURIComponent(client.clientId)}`)
      .header('Cache-Control', 'no-store')
      .send({ ...toClientMetadata(client), client_secret: clientSecret } satisfies CreatedClientJson);
  });

  app.get<{ Params: IdParams }>('/clients/:id', async (request) => toClientMetadata(await registry.get(request.params.id)));

  app.patch<{ Params: IdParams }>('/clients/:id', async (request) => {
    const client = await registry.update(request.params.id, await registry.parseChanges(request.body, 'update', request.params.id));
    request.log.info(clientLogFields(client), 'client updated');
    return toClientMetadata(client);
  });

  app.delete<{ Params: IdParams }>('/clients/:id', async (request, reply) => {
    const client = await registry.get(request.params.id);
    await registry.delete(client.clientId);
    request.log.info(clientLogFields(client), 'client deleted');
    return reply.status(204).send();
  });

  app.post<{ Params: IdParams }>('/clients/:id/secret', async (request, reply) => {
    const body: unknown = request.body ?? {};
    if (!isRecord(body)) throw new ClientValidationError('body', 'must be a JSON object');
    for (const key of Object.keys(body)) {
      if (key !== 'client_secret' && key !== 'grace_period') throw new ClientValidationError(key, 'unknown field; use client_secret or grace_period');
    }
    let graceSeconds: number | undefined;
    if (body.grace_period !== undefined) {
      if (typeof body.grace_period !== 'number' || !Number.isInteger(body.grace_period) || body.grace_period < 0 || body.grace_period > 30 * 86400) {
        throw new ClientValidationError('grace_period', 'must be an integer number of seconds from 0 to 2592000');
      }
      graceSeconds = body.grace_period;
    }
    const rotation = await registry.rotateSecret(request.params.id, { clientSecret: body.client_secret as string | undefined, graceSeconds });
    request.log.info(clientLogFields(rotation.client), 'client secret rotated');
    return reply.header('Cache-Control', 'no-store').send({
      ...toClientMetadata(rotation.client),
      client_secret: rotation.clientSecret,
      previous_secret_expires_at: rotation.previousSecretExpiresAt === null ? null : new Date(rotation.previousSecretExpiresAt).toISOString(),
    } satisfies RotatedClientSecretJson);
  });
}
