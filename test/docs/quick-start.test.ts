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

/** Runs README's "A first client and token" as written, in order and without pauses, against `gatehouse serve` (built) on a fresh data folder. */
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

  it('has six commands', () => {
    expect(quickStartCommands()).toHaveLength(6);
  });

  it('registers a client, gets a token, introspects it, registers another with the CLI and lists both, run as written', async () => {
    // As a person pastes them: one script, no pause between the commands.
    const commands = quickStartCommands().map((command) => command.replaceAll('http://127.0.0.1:8080', server.url));
    const script = ['set -euo pipefail', ...commands].join('\n');
    const result = await bash(script, { GATEHOUSE_DATA_DIR: dataDir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [introspection, ...rest] = result.stdout.trim().split('\n');
    expect(JSON.parse(introspection!)).toMatchObject({ active: true, client_id: 'billing', scope: 'invoices:read' });
    const printed = rest.join('\n');
    expect(printed).toMatch(/^client_id: +reports$/m);
    expect(printed).toMatch(/^client_secret: +\S{20,}$/m);
    expect(printed).toMatch(/^billing\b/m);
    expect(printed).toMatch(/^reports\b/m);
  }, 120_000);
});
