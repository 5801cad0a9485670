import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** A port that was free a moment ago: nothing listens there. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `npm test` on a machine without PostgreSQL: a real vitest run of one PostgreSQL store test file, with
 * GATEHOUSE_TEST_PG_ADMIN_URL at a port where nothing listens, starts its own PostgreSQL (test/setup/
 * postgres-global-setup.ts), says so, passes, and leaves no server behind.
 */
describe('the test run without a PostgreSQL server', () => {
  it('starts an embedded PostgreSQL, says so, and the store tests pass on it', async () => {
    const port = await deadPort();
    const env: Record<string, string> = { ...(process.env as Record<string, string>), GATEHOUSE_TEST_PG_ADMIN_URL: `postgres://postgres@127.0.0.1:${port}/postgres` };
    delete env.CI;
    delete env.VITEST;
    delete env.VITEST_POOL_ID;
    delete env.VITEST_WORKER_ID;
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/store/attempt-counters.test.ts', '--coverage.enabled=false', '--reporter=verbose'], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).toContain(`No PostgreSQL answered at postgres://postgres@127.0.0.1:${port}/postgres: started an embedded PostgreSQL`);
    expect(code, output.slice(-3_000)).toBe(0);
    // Its server is gone with the run.
    const embedded = /at (postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres)/.exec(output.slice(output.indexOf('started an embedded')))![1]!;
    const { postgresAnswers } = await import('../setup/postgres-global-setup.js');
    expect(await postgresAnswers(embedded)).toBe(false);
  }, 180_000);
});
