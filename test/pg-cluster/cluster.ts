import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../helpers/cli.js';
import { basicAuth, postForm } from '../helpers/test-server.js';

/** Settings every instance of a cluster shares, as a deployment would set them. */
export const CLUSTER_SECRET = 'Y2x1c3Rlci1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';
export const CLUSTER_ADMIN_TOKEN = 'cluster-admin-token-0123456789abcdef';
/** One issuer for every instance (the load balancer's address in production). */
export const CLUSTER_ISSUER = 'http://gatehouse.cluster.test';

const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/**
 * Server commands every instance loads: `ops/echo` answers who called, `ops/sleep` waits `ms` milliseconds
 * (a request that is still in flight when the process is told to stop).
 */
const OPS_COMMANDS = `
const brand = { [Symbol.for('gatehouse.command')]: true };
export const echo = { app: 'ops', name: 'echo', handler: ({ caller }) => ({ caller }), ...brand };
export const sleep = {
  app: 'ops',
  name: 'sleep',
  timeoutMs: 60000,
  handler: async ({ input, logger }) => {
    logger.info('sleep command started');
    await new Promise((resolve) => setTimeout(resolve, Number(input?.ms ?? 1000)));
    return { slept: Number(input?.ms ?? 1000) };
  },
  ...brand,
};
`;

/** A real `gatehouse serve` process built from dist/. */
export class Instance {
  private output = '';
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcessWithoutNullStreams,
    /** Temporary folder of the cluster (data folders, commands), removed by stopCluster. */
    readonly root: string,
  ) {
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  url = '';

  /** Everything the process printed so far. */
  logs(): string {
    return this.output;
  }

  /** Log lines (pino JSON) whose msg contains `text`. */
  logLines(text: string): Record<string, unknown>[] {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => typeof line.msg === 'string' && line.msg.includes(text));
  }

  /** Resolves with the exit code. */
  exit(): Promise<number | null> {
    return this.exited;
  }

  /** Waits until the process printed a line containing `text`. */
  async waitForLog(text: string, deadlineMs = 30_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode} before logging "${text}":\n${this.output}`);
      if (Date.now() > until) throw new Error(`${this.name} did not log "${text}" within ${deadlineMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  admin(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** POST /oauth/token with the client authenticated by HTTP Basic. */
  token(client: { client_id: string; client_secret: string }, params: Record<string, string>): Promise<Response> {
    return postForm(`${this.url}/oauth/token`, params, { authorization: basicAuth(client.client_id, client.client_secret) });
  }

  /** Calls the protected `ops/echo` command with a bearer token. */
  echo(accessToken: string): Promise<Response> {
    return fetch(`${this.url}/api/apps/ops/commands/echo`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: '{}' });
  }

  /** Ends the process at once (test clean-up). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export interface ClusterOptions {
  /** PostgreSQL URL; undefined runs on the embedded SQLite database (one instance then, in its own folder). */
  databaseUrl: string | undefined;
  /** Extra environment per instance (index 0, 1, ...), e.g. a DATABASE_URL through a proxy. */
  env?: Record<string, string>[];
}

/** Starts `count` instances at the same moment on one database; resolves when every one is ready. */
export async function startCluster(count: number, options: ClusterOptions): Promise<Instance[]> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
  const commandsDir = join(root, 'commands');
  mkdirSync(commandsDir);
  writeFileSync(join(commandsDir, 'ops.mjs'), OPS_COMMANDS);
  const instances = Array.from({ length: count }, (_, index) => {
    const dataDir = join(root, `instance-${index}`);
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_SECRET: CLUSTER_SECRET,
        GATEHOUSE_ADMIN_TOKEN: CLUSTER_ADMIN_TOKEN,
        GATEHOUSE_ISSUER: CLUSTER_ISSUER,
        GATEHOUSE_COMMANDS_DIR: commandsDir,
        GATEHOUSE_LOG_LEVEL: 'info',
        ...options.env?.[index],
      },
    });
    return new Instance(String.fromCharCode(65 + index), child, root);
  });
  try {
    await Promise.all(instances.map((instance) => waitUntilListening(instance)));
  } catch (error) {
    await stopCluster(instances);
    throw error;
  }
  return instances;
}

async function waitUntilListening(instance: Instance): Promise<void> {
  await instance.waitForLog('"gatehouse ready"');
  const messages = instance.logLines('Server listening at').map((entry) => entry.msg as string);
  const match = messages.map((message) => /http:\/\/127\.0\.0\.1:(\d+)/.exec(message)).find((found) => found !== null);
  if (!match) throw new Error(`${instance.name} did not say where it listens:\n${instance.logs()}`);
  instance.url = `http://127.0.0.1:${match[1]}`;
}

/** Kills every instance that still runs and removes the cluster's folders. */
export async function stopCluster(instances: Instance[]): Promise<void> {
  for (const instance of instances) instance.kill();
  await Promise.all(instances.map((instance) => instance.exit()));
  for (const instance of instances) rmSync(instance.root, { recursive: true, force: true });
}

/** Polls until `check` holds or the deadline passes; returns how long it took, or undefined if it never held. */
export async function within(deadlineMs: number, check: () => Promise<boolean> | boolean): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > deadlineMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One query on the test database, through a connection of its own. */
export async function queryDatabase<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export interface TokenBody {
  access_token: string;
  refresh_token?: string;
  scope?: string;
  expires_in: number;
}
