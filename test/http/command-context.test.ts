import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const COMMANDS_DIR = fileURLToPath(new URL('../fixtures/commands', import.meta.url));

declare global {
  var gatehouseTestAborts: string[] | undefined;
  var gatehouseTestLate: boolean | undefined;
}

/** The signal and logger a command handler gets are made on first use; they must behave as if made up front. */
describe('the context of a server command', () => {
  let server: TestServer;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      store: 'sqlite',
      config: { commandsDir: COMMANDS_DIR, logLevel: 'info' },
      logDestination: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
  });
  afterAll(() => server.close());

  const run = (name: string) => fetch(`${server.url}/api/apps/context/commands/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

  it('aborts the signal of a handler that runs past its time limit', async () => {
    globalThis.gatehouseTestAborts = [];
    const response = await run('watch');
    expect(response.status).toBe(504);
    expect(globalThis.gatehouseTestAborts).toEqual(['watch']);
  });

  it('gives an already aborted signal to a handler that first asks for it after the limit', async () => {
    globalThis.gatehouseTestLate = undefined;
    expect((await run('late')).status).toBe(504);
    // The handler looks 300 ms after it started: waited for rather than slept on.
    await vi.waitFor(() => expect(globalThis.gatehouseTestLate).toBeDefined(), { timeout: 15_000, interval: 20 });
    expect(globalThis.gatehouseTestLate).toBe(true);
  });

  it('logs through a logger bound to the request id and the command', async () => {
    const response = await run('logs');
    expect(response.status).toBe(200);
    const line = lines.find((entry) => entry.marker === 'from-command');
    expect(line).toMatchObject({ command: 'context/logs', msg: 'command says hello', reqId: expect.any(String) });
  });
});
