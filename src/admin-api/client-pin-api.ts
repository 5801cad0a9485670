import type { FastifyInstance } from 'fastify';
import { clientLogFields } from '../clients/client.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import { FieldValidationError } from '../shared/errors.js';

interface IdParams {
  id: string;
}

/** `/admin/api/clients/:id/pin`: the PIN of the PinCode check (write-only; a new PIN restarts the check). */
export function registerClientPinApi(app: FastifyInstance, gatehouse: { clients: ClientRegistry }): void {
  app.put<{ Params: IdParams }>('/clients/:id/pin', async (request, reply) => {
    const body: unknown = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new FieldValidationError('body', 'must be a JSON object with a pin member');
    for (const key of Object.keys(body)) if (key !== 'pin') throw new FieldValidationError(key, 'unknown field; use pin');
    const client = await gatehouse.clients.setPin(request.params.id, (body as { pin?: unknown }).pin as string);
    request.log.info(clientLogFields(client), 'client PIN set');
    return reply.status(204).send();
  });

  app.delete<{ Params: IdParams }>('/clients/:id/pin', async (request, reply) => {
    const client = await gatehouse.clients.setPin(request.params.id, null);
    request.log.info(clientLogFields(client), 'client PIN removed');
    return reply.status(204).send();
  });
}
