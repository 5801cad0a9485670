import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm, scrapeMetrics, startTestServer, type TestServer } from '../helpers/test-server.js';
import { queryDatabase, within } from './cluster.js';
import { TcpProxy } from './tcp-proxy.js';

const QUEUE_LIMIT = 20;
/**
 * The server's database timeout: a token request that waited for the hanging audit write would take at least
 * this long, so answers well below it show that none waited. Seconds: a token request on a loaded machine
 * takes a fraction of that.
 */
const DB_TIMEOUT_MS = 5_000;

/**
 * Issued-token audit events while PostgreSQL cannot be reached (the server talks to it through a proxy
 * the test cuts): token requests keep answering 200 at once, at most GATEHOUSE_AUDIT_QUEUE_LIMIT events
 * wait in memory, the rest are counted as dropped, one warning per outage, and the kept events reach
 * the store once it is back.
 */
describe('issued-token audit events during a PostgreSQL outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: TestServer;
  let authorization: string;
  const lines: Record<string, unknown>[] = [];
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(PG_ADMIN_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const proxied = new URL(database.url);
    proxied.host = `127.0.0.1:${await proxy.start()}`;
    server = await startTestServer({
      store: 'postgres',
      database: { ...database, url: proxied.toString() },
      config: { dbTimeoutMs: DB_TIMEOUT_MS, auditFlushMs: 50, auditQueueLimit: QUEUE_LIMIT, logLevel: 'info' },
      logDestination: { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const client = await server.createClient({ client_id: 'outage-audit' });
    authorization = basicAuth(client.client_id, client.client_secret);
  });
  afterAll(async () => {
    await server.close();
    await proxy.close();
    await database.drop();
    console.info(`audit outage figures (ms): ${JSON.stringify(figures)}`);
  });

  const storedIssued = async () => Number((await queryDatabase<{ n: string }>(database.url, `select count(*) as n from audit_events where action = 'token.issued'`))[0]?.n);
  const logged = (text: string) => lines.filter((line) => typeof line.msg === 'string' && line.msg.includes(text));

  /** Issues `count` tokens one after another; every one must be 200. Returns the slowest answer, ms. */
  async function issueTokens(count: number): Promise<number> {
    let slowest = 0;
    for (let i = 0; i < count; i++) {
      const started = Date.now();
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization });
      expect(response.status).toBe(200);
      slowest = Math.max(slowest, Date.now() - started);
    }
    return slowest;
  }

  async function metric(name: string): Promise<number> {
    const text = await (await scrapeMetrics(server.url)).text();
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  }

  it('connections refused: tokens still 200 at once, the queue keeps its limit, drops are counted, one warning, the rest written after', async () => {
    await issueTokens(1);
    expect(await within(30_000, async () => (await storedIssued()) === 1)).toBeDefined();

    proxy.cut('refuse');
    figures['refuse: slowest token'] = await issueTokens(QUEUE_LIMIT + 10);
    expect(figures['refuse: slowest token']).toBeLessThan(DB_TIMEOUT_MS);
    expect(await within(30_000, () => logged('audit events cannot be written').length > 0)).toBeDefined();
    expect(server.gatehouse.audit.queueStats).toMatchObject({ queued: QUEUE_LIMIT, dropped: 10 });
    expect(await metric('gatehouse_audit_events_dropped_total')).toBe(10);
    expect(await metric('gatehouse_audit_queue_events')).toBe(QUEUE_LIMIT);
    // Retries back off and do not warn again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(logged('audit events cannot be written')).toHaveLength(1);

    proxy.restore();
    const written = await within(60_000, async () => (await storedIssued()) === 1 + QUEUE_LIMIT);
    expect(written).toBeDefined();
    figures['refuse: queued events written after restore'] = written!;
    expect(server.gatehouse.audit.queueStats.queued).toBe(0);
    expect(logged('audit events are written again')).toEqual([expect.objectContaining({ dropped: 10 })]);
  });

  it('a silent link: token requests do not wait for the hanging audit write', async () => {
    const before = await storedIssued();
    const dropped = server.gatehouse.audit.queueStats.dropped;
    proxy.freeze();
    figures['silent: slowest token'] = await issueTokens(5);
    // Let the hanging write start (the flush timer is 50 ms), then keep asking for tokens while it hangs (for DB_TIMEOUT_MS).
    await new Promise((resolve) => setTimeout(resolve, 500));
    figures['silent: slowest token during the hanging write'] = await issueTokens(5);
    expect(Math.max(figures['silent: slowest token'], figures['silent: slowest token during the hanging write'])).toBeLessThan(DB_TIMEOUT_MS);

    proxy.restore();
    expect(await within(60_000, async () => (await storedIssued()) === before + 10)).toBeDefined();
    expect(server.gatehouse.audit.queueStats).toMatchObject({ queued: 0, dropped });
  });
});
