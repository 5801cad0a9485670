import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { migrationsFor } from '../../src/store/migrate.js';
import { exitOf, ROOT } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { METRICS_TOKEN, scrapeMetrics, STORES } from '../helpers/test-server.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';
const ADMIN_TOKEN = 'workers-test-admin-token-0123456789';

interface LogLine {
  msg?: string;
  pid?: number;
  worker?: number;
  [field: string]: unknown;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET on a fresh connection (no keep-alive), so the primary hands each request to the next worker. */
function getOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `gatehouse serve --workers 2` from dist/ (npm test builds it), as it runs in production. */
describe.each(STORES)('gatehouse serve --workers 2 on %s', (store) => {
  let child: ChildProcessWithoutNullStreams;
  let output = '';
  let dataDir: string;
  let database: TestDatabase | undefined;
  let url: string;
  const lines = (): LogLine[] =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  /** Waits until the log has a line matching `predicate` `count` times (the child's own exit ends the wait). */
  const logged = (predicate: (line: LogLine) => boolean, count = 1) =>
    new Promise<LogLine[]>((resolve, reject) => {
      const check = () => {
        const found = lines().filter(predicate);
        if (found.length >= count) {
          child.stdout.off('data', check);
          child.off('exit', onExit);
          resolve(found);
        }
      };
      const onExit = () => reject(new Error(`server exited while waiting:\n${output}`));
      child.stdout.on('data', check);
      child.once('exit', onExit);
      check();
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-workers-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--workers', '2'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_SECRET: SECRET,
        GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
        GATEHOUSE_METRICS_TOKEN: METRICS_TOKEN,
        GATEHOUSE_LOG_LEVEL: 'debug',
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exitOf(child);
    }
    for (const line of lines()) if (typeof line.pid === 'number' && isAlive(line.pid)) process.kill(line.pid, 'SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prepares the database once, then two workers share the port and serve requests', async () => {
    const ready = await logged((line) => line.msg === 'gatehouse ready', 2);
    const workerPids = new Set(ready.map((line) => line.pid));
    expect(workerPids.size).toBe(2);
    expect(workerPids.has(child.pid)).toBe(false);

    // Migrations ran once, in the primary, before any worker existed; one access-token key and one ID-token key.
    const applied = lines().filter((line) => line.msg === 'applied migrations');
    expect(applied).toHaveLength(1);
    expect(applied[0]?.worker).toBeUndefined();
    const db = openStore({ databaseUrl: database?.url, dataDir });
    try {
      expect((await db.db.selectFrom('signing_keys').select('purpose').execute()).map((row) => row.purpose).sort()).toEqual(['access_token', 'id_token']);
      const recorded = await (db.db as unknown as Kysely<{ gatehouse_migrations: { name: string } }>).selectFrom('gatehouse_migrations').select('name').execute();
      expect(recorded).toHaveLength(Object.keys(migrationsFor(db.engine)).length);
    } finally {
      await db.close();
    }

    // Connections are handed to the workers in turn: both answer.
    const served = new Set<number | undefined>();
    let healthChecks = 0;
    for (let i = 0; i < 20 && served.size < 2; i++) {
      expect(await getOnNewConnection(`${url}/healthz`)).toBe(200);
      healthChecks += 1;
      const completed = await logged((line) => line.msg === 'request completed', i + 1);
      for (const line of completed) served.add(line.pid);
    }
    expect([...served].sort()).toEqual([...workerPids].sort());

    // Whichever worker answers a scrape, it reports both workers' requests together.
    for (let scrape = 0; scrape < 2; scrape++) {
      const text = await (await scrapeMetrics(url, { connection: 'close' })).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith('gatehouse_http_requests_total{') && candidate.includes('route="/healthz"'));
      expect(Number(line?.split(' ').at(-1))).toBe(healthChecks);
    }

    // A client created through one worker gets tokens from either.
    const created = await fetch(`${url}/admin/api/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'workers', scope: 'read' }),
    });
    expect(created.status).toBe(201);
    const client = (await created.json()) as { client_id: string; client_secret: string };
    const tokenStatus = async () =>
      (
        await fetch(`${url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString(),
        })
      ).status;
    // The other worker learns of the new client from the change feed (GATEHOUSE_CHANGE_POLL_MS): polled
    // until both answer, up to a deadline (not a count of attempts, whose duration depends on the machine).
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const statuses = [await tokenStatus(), await tokenStatus()];
      if (statuses.every((status) => status === 200)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await tokenStatus());
    expect(statuses).toEqual([200, 200, 200, 200]);
  });

  it('prints the first-run setup link once, from the primary, and the link works through the workers', async () => {
    await logged((line) => line.msg === 'gatehouse ready', 2);
    const links = [...output.matchAll(/^ {6}(http:\/\/127\.0\.0\.1:\d+)\/admin\/setup#([A-Za-z0-9_-]{43})$/gm)];
    expect(links).toHaveLength(1);
    expect(links[0]![1]).toBe(url);
    // Never in a log line.
    expect(lines().some((line) => JSON.stringify(line).includes(links[0]![2]!))).toBe(false);
    const setUp = await fetch(`${url}/admin/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ setup_token: links[0]![2], username: 'first-admin', password: 'correct horse battery staple' }),
    });
    expect(setUp.status).toBe(201);
  });

  it('restarts a worker that crashes', async () => {
    const [first] = await logged((line) => line.msg === 'gatehouse ready', 2);
    const crashed = first?.pid ?? 0;
    process.kill(crashed, 'SIGKILL');
    const [restart] = await logged((line) => line.msg === 'worker exited; restarting it');
    expect(restart?.pid).toBe(crashed);
    expect(restart?.signal).toBe('SIGKILL');
    const ready = await logged((line) => line.msg === 'gatehouse ready', 3);
    const replacement = ready[2]?.pid ?? 0;
    expect(replacement).not.toBe(crashed);
    expect(isAlive(replacement)).toBe(true);
    expect(await getOnNewConnection(`${url}/healthz`)).toBe(200);
  });

  it('forwards SIGTERM to the workers and exits 0 once they have exited', async () => {
    const workers = (await logged((line) => line.msg === 'gatehouse ready', 3)).map((line) => line.pid ?? 0);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(lines().filter((line) => line.msg?.startsWith('shutting down') === true && typeof line.worker === 'number')).toHaveLength(2);
    expect(lines().some((line) => line.msg === 'all workers exited')).toBe(true);
    for (const pid of workers) expect(isAlive(pid)).toBe(false);
  });
});

describe('gatehouse serve --workers on a port in use', () => {
  it('stops with exit code 1 and one line naming PORT, instead of restarting workers forever', async () => {
    const occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-workers-'));
    try {
      const { port } = occupied.address() as { port: number };
      const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--workers', '2'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', PORT: String(port), GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      expect(await exitOf(child)).toBe(1);
      expect(stderr).toMatch(/^gatehouse: PORT: .*already in use/m);
    } finally {
      occupied.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
