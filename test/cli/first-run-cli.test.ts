import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitOf, ROOT, runCli, startCliServer } from '../helpers/cli.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';
const PASSWORD = 'first run password 1';
const LINK = /^ {6}(http:\/\/127\.0\.0\.1:\d+\/admin\/setup#([A-Za-z0-9_-]{43}))$/m;

/** Starts the built `gatehouse serve` and waits until its first-run notice (printed after "gatehouse ready") is complete. */
async function serve(env: Record<string, string>) {
  const server = await startCliServer(env, { built: true });
  await expect.poll(() => server.output().includes('Or create an administrator')).toBe(true);
  return server;
}

function setUp(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/admin/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The real `gatehouse serve` (dist/) on a fresh data folder: what it prints on a first start, and after. */
describe('gatehouse serve on a first start', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-first-run-'));
    env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET };
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the console URL and a one-time setup link plainly on stdout, never in a log line', async () => {
    const server = await serve(env);
    try {
      const output = server.output();
      expect(output).toContain(`The web console: ${server.url}/admin/`);
      const link = LINK.exec(output);
      expect(link?.[1]).toBeDefined();
      expect(link![1]!.startsWith(`${server.url}/admin/setup#`)).toBe(true);
      // Logs are JSON lines (stdout is a pipe here); none of them holds the secret.
      const logLines = output.split('\n').filter((line) => line.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(0);
      for (const line of logLines) expect(line).not.toContain(link![2]);

      // GET / leads to the console.
      const root = await fetch(`${server.url}/`, { redirect: 'manual' });
      expect(root.headers.get('location')).toBe('/admin/');

      // The link's secret is saved by this start; a second start while it works prints no new one.
      server.child.kill('SIGTERM');
      expect(await exitOf(server.child)).toBe(0);
      const again = await serve(env);
      try {
        expect(LINK.test(again.output())).toBe(false);
        expect(again.output()).toContain('The setup link printed at an earlier start works until');
        expect(again.output()).toContain('admins setup-link');
        // ... and the first link still works: it creates the first administrator and signs them in.
        const created = await setUp(again.url, { setup_token: link![2], username: 'first', password: PASSWORD });
        expect(created.status).toBe(201);
        expect((await setUp(again.url, { setup_token: link![2], username: 'second', password: PASSWORD })).status).toBe(409);
        // The requests that carried the secret are logged without it.
        await expect.poll(() => again.output().includes('first administrator created with the setup link')).toBe(true);
        expect(again.output()).not.toContain(link![2]);
      } finally {
        again.child.kill('SIGTERM');
        await exitOf(again.child);
      }
      // With an administrator, no link can be made (the HTTP test shows that a start offers none).
      expect((await runCli(['admins', 'setup-link'], env)).stderr).toContain('an administrator exists already');
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
  });

  it('`admins setup-link` prints a new link that replaces the earlier one', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'gatehouse-first-run-'));
    const freshEnv = { GATEHOUSE_DATA_DIR: fresh, GATEHOUSE_SECRET: SECRET };
    try {
      const first = await runCli(['admins', 'setup-link'], freshEnv);
      expect(first.code).toBe(0);
      const second = await runCli(['admins', 'setup-link'], freshEnv);
      expect(second.stdout).toMatch(/^http:\/\/127\.0\.0\.1:8080\/admin\/setup#[A-Za-z0-9_-]{43}\n$/);
      expect(second.stderr).toContain('It works once, until');
      const server = await serve(freshEnv);
      try {
        expect(server.output()).toContain('The setup link printed at an earlier start works until');
        const secretOf = (stdout: string) => stdout.trim().split('#')[1]!;
        expect((await setUp(server.url, { setup_token: secretOf(first.stdout), username: 'first', password: PASSWORD })).status).toBe(403);
        expect((await setUp(server.url, { setup_token: secretOf(second.stdout), username: 'first', password: PASSWORD })).status).toBe(201);
      } finally {
        server.child.kill('SIGTERM');
        await exitOf(server.child);
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.runIf(hasScript)('writes readable log lines with ISO times when stdout is a terminal (script gives it one)', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'gatehouse-first-run-tty-'));
    const child = spawn('script', ['-qefc', `${process.execPath} dist/cli/main.js serve`, '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', GATEHOUSE_DATA_DIR: fresh, GATEHOUSE_SECRET: SECRET, TERM: 'dumb' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await expect.poll(() => output.includes('Or create an administrator'), { timeout: 60_000 }).toBe(true);
      // eslint-disable-next-line no-control-regex
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, '');
      expect(plain).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] INFO: gatehouse ready$/m);
      expect(plain).not.toContain('{"level"');
      expect(plain).toMatch(LINK);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
