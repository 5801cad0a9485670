import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';
import { openStore } from '../../src/store/database.js';
import { AuditEventsRepository } from '../../src/store/audit-events-repository.js';
import { startCluster, stopCluster, type Instance, type TokenBody } from './cluster.js';

/** How long the requests in flight at SIGTERM run. */
const IN_FLIGHT_MS = 3_000;

/** Resolves with the error code of a fresh TCP connection to the instance, or 'connected'. */
function connectOutcome(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe.each(STORES)('SIGTERM with requests in flight on %s', (store) => {
  let database: TestDatabase | undefined;
  let instances: Instance[] = [];

  afterEach(async () => {
    await stopCluster(instances);
    await database?.drop();
  });

  async function startOne(env: Record<string, string> = {}): Promise<{ instance: Instance; accessToken: string; client: { client_id: string; client_secret: string } }> {
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    instances = await startCluster(1, { databaseUrl: database?.url, env: [env] });
    const instance = instances[0] as Instance;
    const created = await instance.admin('POST', '/clients', { client_name: 'shutdown', scope: 'ops' });
    const client = (await created.json()) as { client_id: string; client_secret: string };
    const token = (await (await instance.token(client, { grant_type: 'client_credentials' })).json()) as TokenBody;
    return { instance, accessToken: token.access_token, client };
  }

  const sleep = (instance: Instance, accessToken: string, ms: number) =>
    fetch(`${instance.url}/api/apps/ops/commands/sleep`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ms }),
    });

  async function waitForStarted(instance: Instance, count: number): Promise<void> {
    for (const until = Date.now() + 20_000; instance.logLines('sleep command started').length < count;) {
      if (Date.now() > until) throw new Error(`the sleep commands did not start:\n${instance.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('refuses new connections, finishes the requests in flight with 200, closes the store and exits 0', async () => {
    const { instance, accessToken } = await startOne();
    // Still running when SIGTERM arrives (seconds after they started, on a loaded machine) and done long
    // before the 10 s grace period ends.
    const inFlight = [sleep(instance, accessToken, IN_FLIGHT_MS), sleep(instance, accessToken, IN_FLIGHT_MS), sleep(instance, accessToken, IN_FLIGHT_MS)];
    await waitForStarted(instance, 3);

    instance.child.kill('SIGTERM');
    await instance.waitForLog('shutting down');
    expect(await connectOutcome(instance.url)).toBe('ECONNREFUSED');

    const responses = await Promise.all(inFlight);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    for (const response of responses) expect(await response.json()).toEqual({ slept: IN_FLIGHT_MS });
    expect(await instance.exit()).toBe(0);
    expect(instance.logLines('shut down').length).toBe(1);
    expect(instance.logLines('grace period over')).toEqual([]);
  });

  it('bounds the wait by the grace period: a request still running then is cut off, and the process exits 0', async () => {
    const { instance, accessToken } = await startOne({ GATEHOUSE_SHUTDOWN_GRACE_MS: '300' });
    const tooSlow = sleep(instance, accessToken, 30_000).then(
      (response) => `status ${response.status}`,
      (error: Error) => `failed: ${error.message}`,
    );
    await waitForStarted(instance, 1);
    instance.child.kill('SIGTERM');
    expect(await instance.exit()).toBe(0);
    expect(await tooSlow).toMatch(/^failed/);
    expect(instance.logLines('grace period over')).toHaveLength(1);
  });

  it('writes the issued-token audit events still queued before it exits', async () => {
    // A flush interval far beyond the test: only the shutdown can have written them.
    const { instance, client } = await startOne({ GATEHOUSE_AUDIT_FLUSH_MS: '60000' });
    const jtis: string[] = [];
    for (let i = 0; i < 24; i++) {
      const response = await instance.token(client, { grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
      const { access_token: token } = (await response.json()) as TokenBody;
      jtis.push((JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }).jti);
    }
    const queued = (await (await instance.admin('GET', '/audit?action=token.issued')).json()) as { total: number };
    expect(queued.total).toBe(0);

    instance.child.kill('SIGTERM');
    expect(await instance.exit()).toBe(0);
    expect(instance.logLines('before shutdown')).toEqual([]);
    const stored = openStore({ databaseUrl: database?.url, dataDir: `${instance.root}/instance-0` });
    try {
      const { events } = await new AuditEventsRepository(stored.db, stored.engine).query({ action: 'token.issued', limit: 500, offset: 0 });
      // The token startOne asked for, and the 24 above.
      expect(events).toHaveLength(25);
      expect(events.map((event) => event.jti)).toEqual(expect.arrayContaining(jtis));
    } finally {
      await stored.close();
    }
  });
});
