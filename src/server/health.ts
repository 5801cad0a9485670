import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../gatehouse.js';
import { pingStore } from '../store/database.js';

/** `/healthz`: the process answers. `/readyz`: the store answers and signing keys are loaded. */
export function registerHealthEndpoints(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const database = await pingStore(gatehouse.store.db);
    const keys = gatehouse.keys.loaded;
    const ready = database && keys;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { database, keys } });
  });
}
