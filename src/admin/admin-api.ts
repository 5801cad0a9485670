import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../gatehouse.js';
import { adminAuthentication } from './admin-auth.js';
import { registerSessionApi } from './session-api.js';
import { auditAdminChanges } from './admin-audit.js';
import { registerAuditApi } from './audit-api.js';
import { registerClientsApi } from './clients-api.js';
import { registerClientKeysApi } from './client-keys-api.js';
import { registerKeysApi } from './keys-api.js';
import { lenientJsonBodies } from '../server/json-body.js';
import { registerUserRoutes } from '../resources/users-api.js';

/** The admin REST API, mounted under /admin/api. */
export async function adminApi(app: FastifyInstance, options: { gatehouse: Gatehouse }): Promise<void> {
  app.addHook('onRequest', adminAuthentication(options.gatehouse.adminToken, options.gatehouse.adminSessions));
  lenientJsonBodies(app);
  app.addHook('onSend', auditAdminChanges(options.gatehouse.audit));
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff');
    return payload;
  });
  registerSessionApi(app, options.gatehouse);
  registerAuditApi(app, options.gatehouse.audit);
  registerClientsApi(app, options.gatehouse.clients);
  registerClientKeysApi(app, options.gatehouse.clients);
  registerKeysApi(app, options.gatehouse);
  app.get('/settings/token-delivery', async () => options.gatehouse.tokenDelivery.current());
  app.patch('/settings/token-delivery', async (request) => {
    const updated = await options.gatehouse.tokenDelivery.update(request.body);
    await options.gatehouse.changes.pollNow();
    request.log.info('token-delivery settings changed');
    return updated;
  });
  registerUserRoutes(app, options.gatehouse.users, { unlock: true });
}
