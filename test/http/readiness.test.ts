import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, STORES } from '../helpers/test-server.js';

interface Readiness {
  status: string;
  checks: { database: boolean; keys: boolean };
}

describe.each(STORES)('liveness and readiness on %s', (store) => {
  it('is ready while the database answers, and not ready (503, never 500) once it stops answering', async () => {
    const database = store === 'postgres' ? await createTestDatabase() : undefined;
    const server = await startTestServer({ store, ...(database ? { database } : {}) });
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, keys: true } });

      server.gatehouse.changes.stop();
      await server.gatehouse.store.close();

      // A readiness answer is reused for a second: polled until it changes (a long deadline, for a loaded machine).
      let notReady = await fetch(`${server.url}/readyz`);
      for (const until = Date.now() + 30_000; notReady.status === 200 && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        notReady = await fetch(`${server.url}/readyz`);
      }
      expect(notReady.status).toBe(503);
      expect((await notReady.json()) as Readiness).toEqual({ status: 'not_ready', checks: { database: false, keys: true } });
      // The process itself is alive: a liveness probe must not restart it for a database outage.
      const alive = await fetch(`${server.url}/healthz`);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toEqual({ status: 'ok' });
    } finally {
      await server.app.close();
      // The store is closed already; this stops the remaining timers.
      await server.gatehouse.close().catch(() => undefined);
      await database?.drop();
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});
