import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../gatehouse.js';
import { ReadinessProbe } from './readiness.js';

/** `/healthz`: the process answers. `/readyz`: the store answers (briefly cached, bounded wait) and signing keys are loaded. */
export function registerHealthEndpoints(app: FastifyInstance, gatehouse: Gatehouse): void {
  const probe = new ReadinessProbe(gatehouse);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await probe.check();
    return reply
      .status(ready ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
