import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export interface BenchServer {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface ProcessSpec {
  /** Arguments of `node`. */
  args: string[];
  env: Record<string, string>;
  /** A GET path that answers 200 once the server is ready. */
  readyPath: string;
}

/** Starts a server as a child `node` process on a free port (given as PORT) and waits until `readyPath` answers 200. */
export async function startProcess(spec: ProcessSpec): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, spec.args, { env: { PATH: process.env.PATH ?? '', PORT: String(port), ...spec.env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}${spec.readyPath}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`${spec.args.join(' ')} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${spec.args.join(' ')} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid ?? 0,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Starts the built server (`dist/cli/main.js serve`, with `--workers` when given) and waits until /readyz answers 200. */
export function startServer(env: Record<string, string>, workers?: number): Promise<BenchServer> {
  return startProcess({
    args: ['dist/cli/main.js', 'serve', ...(workers === undefined ? [] : ['--workers', String(workers)])],
    env: {
      GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_PASSWORD_RATE_LIMIT_PER_ADDRESS: '1000000',
      GATEHOUSE_PASSWORD_RATE_LIMIT_PER_CLIENT: '1000000',
      // Every connection signs the one bench user in at once: the per-username budget (the lockout threshold,
      // which also bounds the password checks of one username under way) must not refuse them.
      GATEHOUSE_LOCKOUT_THRESHOLD: '1000',
      // On, so that their cost is measured, but far above what a run asks for (one address, a few clients).
      GATEHOUSE_TOKEN_RATE_LIMIT_PER_ADDRESS: '100000000',
      GATEHOUSE_TOKEN_RATE_LIMIT_PER_CLIENT: '100000000',
      // Introspection has a per-address limit since issue 17; the bench sends everything from one address.
      GATEHOUSE_INTROSPECTION_RATE_LIMIT_PER_ADDRESS: '100000000',
      GATEHOUSE_COMMANDS_DIR: 'examples/commands',
      ...env,
    },
    readyPath: '/readyz',
  });
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Resident set size of a process in MiB (Linux). */
export function rssMiB(pid: number): number {
  return Math.round(rssKiB(pid) / 1024);
}

/** Process ids of a process's children (Linux), e.g. the workers of `serve --workers`. */
function childrenOf(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
}

/** RSS of a process and all its descendants in MiB (Linux): a cluster primary and its workers. */
export function treeRssMiB(pid: number): number {
  const sum = (id: number): number => rssKiB(id) + childrenOf(id).reduce((total, child) => total + sum(child), 0);
  return Math.round(sum(pid) / 1024);
}

export async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}
