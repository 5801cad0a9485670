import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../gatehouse.js';
import { requireAdminToken } from './admin-auth.js';
import { registerClientsApi } from './clients-api.js';
import { registerClientKeysApi } from './client-keys-api.js';
import { registerKeysApi } from './keys-api.js';
import { registerProfilesApi } from './profiles-api.js';
import { registerClientPinApi } from './client-pin-api.js';
import { lenientJsonBodies } from '../server/json-body.js';
import { registerUserRoutes } from '../resources/users-api.js';

/** The admin REST API, mounted under /admin/api. */
export async function adminApi(app: FastifyInstance, options: { gatehouse: Gatehouse }): Promise<void> {
  app.addHook('onRequest', requireAdminToken(options.gatehouse.adminToken));
  lenientJsonBodies(app);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cache-Control', 'no-store');
    return payload;
  });
  registerClientsApi(app, options.gatehouse.clients);
  registerClientKeysApi(app, options.gatehouse.clients);
  registerKeysApi(app, options.gatehouse);
  registerProfilesApi(app, options.gatehouse);
  registerClientPinApi(app, options.gatehouse);
  app.get('/settings/token-delivery', async () => options.gatehouse.tokenDelivery.current());
  app.patch('/settings/token-delivery', async (request) => {
    const updated = await options.gatehouse.tokenDelivery.update(request.body);
    await options.gatehouse.changes.pollNow();
    request.log.info('token-delivery settings changed');
    return updated;
  });
  registerUserRoutes(app, options.gatehouse.users, { unlock: true });
}
