import { createServer, type Server } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL } from '../helpers/postgres.js';
import { postgresAnswers } from '../setup/postgres-global-setup.js';

/** How the test run decides whether to start its own PostgreSQL (test/setup/postgres-global-setup.ts). */
describe('the test run’s PostgreSQL check', () => {
  let closed: Server;
  let port: number;
  beforeAll(async () => {
    // A port that was just free: nothing listens there once the server is closed.
    closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });

  it('finds the PostgreSQL the tests use', async () => {
    expect(await postgresAnswers(PG_ADMIN_URL)).toBe(true);
  });

  it('finds nothing where nothing listens, so that the run starts its own', async () => {
    expect(await postgresAnswers(`postgres://postgres@127.0.0.1:${port}/postgres`)).toBe(false);
  });

  it('counts a server that answers with an error as there (the tests then fail on that error, loudly)', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = '/gatehouse_no_such_database';
    expect(await postgresAnswers(url.toString())).toBe(true);
  });
});
