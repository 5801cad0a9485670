import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitOf, ROOT, startCliServer } from '../helpers/cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The commands of README's quick start (between its markers), continuation lines joined. */
function quickStartCommands(): string[] {
  const block = /<!-- quick-start -->\n```sh\n([\s\S]*?)\n```\n<!-- \/quick-start -->/.exec(readme);
  if (!block) throw new Error('README.md has no quick-start block');
  return block[1]!
    .replace(/\\\n/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs README's "A first client and token" as written, against `gatehouse serve` (built) on a fresh data folder. */
describe('README quick start', () => {
  let dataDir: string;
  let server: { child: ChildProcessWithoutNullStreams; url: string };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-quick-start-'));
    server = await startCliServer({ GATEHOUSE_DATA_DIR: dataDir }, { built: true });
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await exitOf(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has five commands', () => {
    expect(quickStartCommands()).toHaveLength(5);
  });

  it('registers a client, gets a token and introspects it', async () => {
    const [adminToken, ...rest] = quickStartCommands().map((command) => command.replaceAll('http://127.0.0.1:8080', server.url));
    // A person types the second command after the server has heard of the new admin token (it polls the
    // change table); the script waits for that instead, up to 30 s.
    const waitForAdminToken = `for _ in $(seq 1 150); do curl -sf -o /dev/null -H "Authorization: Bearer $ADMIN" ${server.url}/admin/api/clients && break; sleep 0.2; done`;
    const script = ['set -euo pipefail', adminToken, waitForAdminToken, ...rest].join('\n');
    const result = await bash(script, { GATEHOUSE_DATA_DIR: dataDir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [introspection, ...listed] = result.stdout.trim().split('\n');
    expect(JSON.parse(introspection!)).toMatchObject({ active: true, client_id: 'billing', scope: 'invoices:read' });
    expect(listed.join('\n')).toMatch(/^billing\b/m);
  }, 120_000);
});
