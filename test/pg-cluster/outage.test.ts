import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../helpers/postgres.js';
import { queryDatabase, startCluster, stopCluster, within, type Instance } from './cluster.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * A's database timeout: requests that need the database give up after this. Every statement A runs while the
 * database is reachable is bounded by it too: seconds, far above what a statement takes on a loaded machine.
 */
const DB_TIMEOUT_MS = 3_000;
/** How long a request may take during an outage before the test calls it a hang (timeout plus slack for a loaded machine). */
const NO_HANG_MS = 4 * DB_TIMEOUT_MS + 4_000;
/** "within a few seconds" (the readiness check waits at most 2 s and is reused for 1 s), with room for a loaded machine. */
const FEW_SECONDS_MS = 15_000;
/**
 * A's safety read of the change table, which is also the heartbeat of its listening connection. A change on B
 * that reaches A within NOTIFIED_MS came by notification, unless a safety read happened to fall in that
 * window (one chance in five): notifications that never flow again fail this test four times in five.
 */
const SAFETY_POLL_MS = 15_000;
/** How long a change on B may take to reach A by notification: seconds, far above the milliseconds it takes. */
const NOTIFIED_MS = 3_000;
/** Setting up (a client created on B, known to A): the safety read brings it at the latest. */
const SETUP_MS = SAFETY_POLL_MS + 10_000;

interface Created {
  client_id: string;
  client_secret: string;
}

/**
 * Instance A reaches PostgreSQL through a proxy the test cuts; instance B keeps its direct connection, so
 * changes can be made during the outage and must reach A once the database is back.
 */
describe('a PostgreSQL outage seen by one instance of two', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let instances: Instance[];
  let a: Instance;
  let b: Instance;
  let cached: Created;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(PG_ADMIN_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const proxied = new URL(database.url);
    proxied.host = `127.0.0.1:${port}`;
    instances = await startCluster(2, {
      databaseUrl: database.url,
      env: [{ DATABASE_URL: proxied.toString(), GATEHOUSE_DB_TIMEOUT_MS: String(DB_TIMEOUT_MS), GATEHOUSE_CHANGE_SAFETY_POLL_MS: String(SAFETY_POLL_MS) }, {}],
    });
    [a, b] = instances as [Instance, Instance];
    cached = await createClient(b, 'cached');
    expect(await within(SETUP_MS, async () => (await tokenStatus(a, cached)) === 200)).toBeDefined();
    expect((await b.admin('POST', '/users', { username: 'outage-user', password: 'outage password 1' })).status).toBe(201);
  });
  afterAll(async () => {
    await stopCluster(instances);
    await proxy.close();
    await database.drop();
    console.info(`outage figures (ms): ${JSON.stringify(figures)}`);
  });

  async function createClient(on: Instance, name: string, metadata: Record<string, unknown> = {}): Promise<Created> {
    const response = await on.admin('POST', '/clients', { client_name: name, scope: 'ops', grant_types: ['client_credentials', 'password'], ...metadata });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  }
  const tokenStatus = (on: Instance, client: Created) => on.token(client, { grant_type: 'client_credentials' }).then((response) => response.status);
  const readyStatus = (on: Instance) => fetch(`${on.url}/readyz`).then((response) => response.status);

  /** A request that needs the database: answered 503 temporarily_unavailable, never a hang or a 500. */
  async function expectUnavailable(request: Promise<Response>): Promise<void> {
    const response = await request;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('temporarily_unavailable');
    expect(body.error_description).toMatch(/database/);
  }

  const signal = () => AbortSignal.timeout(NO_HANG_MS);
  const passwordGrant = (on: Instance) =>
    fetch(`${on.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${cached.client_id}:${cached.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'password', username: 'outage-user', password: 'outage password 1' }).toString(),
      signal: signal(),
    });
  const adminWrite = (on: Instance) =>
    fetch(`${on.url}/admin/api/clients`, {
      method: 'POST',
      headers: { authorization: 'Bearer cluster-admin-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'during outage' }),
      signal: signal(),
    });

  it('connections dropped and refused: 503s, readiness down, cached client_credentials keep working; all resumes without a restart', { timeout: 180_000 }, async () => {
    expect((await passwordGrant(a)).status).toBe(200);
    const disabledDuringOutage = await createClient(b, 'disabled during outage');
    expect(await within(SETUP_MS, async () => (await tokenStatus(a, disabledDuringOutage)) === 200)).toBeDefined();

    proxy.cut('refuse');
    const readyDown = await within(FEW_SECONDS_MS, async () => (await readyStatus(a)) === 503);
    expect(readyDown, '/readyz did not answer 503 within a few seconds').toBeDefined();
    figures['refuse: readyz 503 after'] = readyDown ?? -1;
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);

    let started = Date.now();
    await expectUnavailable(passwordGrant(a));
    figures['refuse: password grant 503 after'] = Date.now() - started;
    await expectUnavailable(adminWrite(a));

    // client_credentials needs no write: it goes on from the cached client and keys, and says so once.
    for (let i = 0; i < 5; i++) expect(await tokenStatus(a, cached)).toBe(200);
    // So do the JWKS, introspection of such a token and a protected resource that accepts it.
    expect((await fetch(`${a.url}/oauth/jwks`)).status).toBe(200);
    const issued = (await (await a.token(cached, { grant_type: 'client_credentials' })).json()) as { access_token: string };
    const introspected = await fetch(`${a.url}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${cached.client_id}:${cached.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: issued.access_token }).toString(),
    });
    expect(await introspected.json()).toMatchObject({ active: true, client_id: cached.client_id });
    expect((await a.echo(issued.access_token)).status).toBe(200);
    expect(a.logLines('serving client_credentials tokens from cached clients')).toHaveLength(1);
    expect(a.logLines('database unavailable; requests that need it answer 503')).toHaveLength(1);

    // Changes made meanwhile on B, which still reaches the database.
    expect((await b.admin('PATCH', `/clients/${disabledDuringOutage.client_id}`, { enabled: false })).status).toBe(200);
    const createdDuringOutage = await createClient(b, 'created during outage');

    proxy.restore();
    started = Date.now();
    const readyAgain = await within(FEW_SECONDS_MS + 5_000, async () => (await readyStatus(a)) === 200);
    expect(readyAgain, '/readyz did not recover').toBeDefined();
    figures['refuse: readyz 200 after restore'] = readyAgain ?? -1;
    expect(await within(FEW_SECONDS_MS + 5_000, async () => (await adminWrite(a)).status === 201)).toBeDefined();
    expect((await passwordGrant(a)).status).toBe(200);
    // The listener reconnected and the caches were reloaded: what B changed during the outage is known to A.
    await a.waitForLog('listening for changes again', FEW_SECONDS_MS + 5_000);
    expect(await within(FEW_SECONDS_MS, async () => (await tokenStatus(a, disabledDuringOutage)) === 401 && (await tokenStatus(a, createdDuringOutage)) === 200)).toBeDefined();
    figures['refuse: caches resynced after restore'] = Date.now() - started;
    // And notifications flow again: a change on B reaches A within a few seconds, long before a safety read.
    expect((await b.admin('PATCH', `/clients/${createdDuringOutage.client_id}`, { enabled: false })).status).toBe(200);
    const propagated = await within(NOTIFIED_MS, async () => (await tokenStatus(a, createdDuringOutage)) === 401);
    expect(propagated, `a change after the outage did not reach A within ${NOTIFIED_MS} ms`).toBeDefined();
    figures['refuse: propagation after restore'] = propagated ?? -1;
    expect(a.logLines('database available again').length).toBeGreaterThanOrEqual(1);
  });

  it('a silent link (open connections and new ones never answered): 503 within the configured timeout, then recovery', { timeout: 180_000 }, async () => {
    const listenerLosses = a.logLines('lost the connection that listens for changes').length;
    const listenerReturns = a.logLines('listening for changes again').length;
    proxy.freeze();
    const readyDown = await within(FEW_SECONDS_MS, async () => (await readyStatus(a)) === 503);
    expect(readyDown, '/readyz did not answer 503 within a few seconds').toBeDefined();
    figures['blackhole: readyz 503 after'] = readyDown ?? -1;
    const started = Date.now();
    await expectUnavailable(passwordGrant(a));
    figures['blackhole: password grant 503 after'] = Date.now() - started;
    await expectUnavailable(adminWrite(a));
    expect(await tokenStatus(a, cached)).toBe(200);
    // Nothing closed the listening connection: its heartbeat (every SAFETY_POLL_MS) finds it silent.
    const found = await within(SAFETY_POLL_MS + DB_TIMEOUT_MS + 10_000, () => a.logLines('lost the connection that listens for changes').length > listenerLosses);
    expect(found, 'the heartbeat did not notice the silent listening connection').toBeDefined();
    figures['blackhole: silent listener replaced after'] = Date.now() - started;

    proxy.restore();
    expect(await within(FEW_SECONDS_MS + 5_000, async () => (await readyStatus(a)) === 200)).toBeDefined();
    expect(await within(FEW_SECONDS_MS + 5_000, async () => (await passwordGrant(a)).status === 200)).toBeDefined();
    // The heartbeat found the silent listening connection and replaced it: notifications arrive again.
    const later = await createClient(b, 'after the silent link');
    expect(await within(FEW_SECONDS_MS + 5_000, async () => (await tokenStatus(a, later)) === 200)).toBeDefined();
    expect(await within(FEW_SECONDS_MS + 5_000, () => a.logLines('listening for changes again').length > listenerReturns)).toBeDefined();
    expect((await b.admin('PATCH', `/clients/${later.client_id}`, { enabled: false })).status).toBe(200);
    expect(await within(NOTIFIED_MS, async () => (await tokenStatus(a, later)) === 401)).toBeDefined();
  });

  it('every backend terminated (pg_terminate_backend): both instances carry on and listen again', async () => {
    // The backends of this test's database only: listed first, then terminated one by one.
    const backends = await queryDatabase<{ pid: number }>(PG_ADMIN_URL, 'select pid from pg_stat_activity where datname = $1', [database.name]);
    expect(backends.length).toBeGreaterThanOrEqual(2);
    for (const { pid } of backends) await queryDatabase(PG_ADMIN_URL, 'select pg_terminate_backend($1)', [pid]);
    for (const instance of instances) {
      expect(await within(FEW_SECONDS_MS, async () => (await instance.admin('GET', '/clients?limit=1')).status === 200)).toBeDefined();
    }
    const afterTermination = await createClient(b, 'after termination');
    expect(await within(FEW_SECONDS_MS, async () => (await tokenStatus(a, afterTermination)) === 200)).toBeDefined();
    const listening = await within(FEW_SECONDS_MS, async () => {
      const rows = await queryDatabase<{ count: string }>(PG_ADMIN_URL, "select count(*) from pg_stat_activity where datname = $1 and query ilike 'listen%'", [database.name]);
      return Number(rows[0]?.count) === 2;
    });
    expect(listening, 'both instances should LISTEN again').toBeDefined();
    expect((await b.admin('PATCH', `/clients/${afterTermination.client_id}`, { enabled: false })).status).toBe(200);
    expect(await within(NOTIFIED_MS, async () => (await tokenStatus(a, afterTermination)) === 401)).toBeDefined();
  });

  it('stays up throughout: no crash, no unhandled rejection, no 500', () => {
    for (const instance of instances) {
      expect(instance.child.exitCode).toBeNull();
      // The error handler logs 'unhandled error' for every 500; Node prints the others before it crashes.
      expect(instance.logs()).not.toMatch(/unhandled|UnhandledPromiseRejection|uncaughtException/i);
    }
  });
});
