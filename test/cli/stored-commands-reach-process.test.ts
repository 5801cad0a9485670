import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeclarativeCommandsJson } from '../../src/admin-api/wire.js';
import { exitOf, startCliServer } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { ADMIN_TOKEN, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

/** Polls until `check` holds; fails after a generous overall time (the machine is shared). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

/** A command saved through one instance's admin API reaches a `gatehouse serve` process on the same database. */
describe.each(STORES)('stored commands reach another server process on %s', (store) => {
  let server: TestServer;
  let database: TestDatabase | undefined;
  let other: { child: ChildProcessWithoutNullStreams; url: string };

  beforeAll(async () => {
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    server = await startTestServer({ store, ...(database ? { database } : {}), config: { commandEnv: ['CRM_*'] } });
    other = await startCliServer(
      {
        GATEHOUSE_DATA_DIR: server.dataDir,
        GATEHOUSE_SECRET: SECRET,
        GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
        GATEHOUSE_COMMAND_ENV: 'CRM_*',
        GATEHOUSE_LOG_LEVEL: 'info',
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
      { built: true },
    );
  });
  afterAll(async () => {
    other.child.kill('SIGTERM');
    await exitOf(other.child);
    await server.close();
    await database?.drop();
  });

  const listedByOther = async () => {
    const response = await fetch(`${other.url}/admin/api/commands`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as DeclarativeCommandsJson).commands;
  };

  it('sees a created, replaced and deleted command', async () => {
    const spec = { kind: 'http-request', app: 'crm', name: 'lookup', url: '{{env.CRM_BASE_URL}}/customers/{{input.id}}', headers: { 'x-api-key': '{{env.CRM_API_KEY}}' } };
    expect((await server.admin('POST', '/commands', spec)).status).toBe(201);
    const created = await eventually(async () => (await listedByOther()).some((command) => command.name === 'lookup'), 'the process lists the new command');
    expect((await listedByOther())[0]).toMatchObject({ app: 'crm', name: 'lookup', source: 'console', spec, updated_by: 'admin-token' });
    expect((await server.admin('PUT', '/commands/crm/lookup', { ...spec, method: 'POST' })).status).toBe(200);
    await eventually(async () => (await listedByOther())[0]?.spec?.method === 'POST', 'the process has the replaced definition');
    expect((await server.admin('DELETE', '/commands/crm/lookup')).status).toBe(204);
    await eventually(async () => (await listedByOther()).length === 0, 'the process forgets the deleted command');
    console.log(`${store}: another process listed a created command after ${created} ms`);
  });
});
