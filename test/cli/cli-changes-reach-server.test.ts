import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { ADMIN_TOKEN, basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

/** Polls until `check` holds or the deadline passes (long: it returns as soon as the check holds); returns whether it held. */
async function eventually(check: () => Promise<boolean>, deadlineMs = 30_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** A running server learns of changes the CLI makes in another process, without a restart. */
describe.each(STORES)('CLI changes reach a running server on %s', (store) => {
  let server: TestServer;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    server = await startTestServer({ store, ...(database ? { database } : {}) });
    env = { GATEHOUSE_DATA_DIR: server.dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN, ...(database ? { DATABASE_URL: database.url } : {}) };
  });
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  const tokenStatus = (clientId: string, secret: string) =>
    postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(clientId, secret) }).then((response) => response.status);

  it('sees a created, disabled, re-keyed and deleted client', async () => {
    const created = JSON.parse((await runCli(['clients', 'create', '--id', 'from-cli', '--json'], env)).stdout) as { client_secret: string };
    expect(await eventually(async () => (await tokenStatus('from-cli', created.client_secret)) === 200)).toBe(true);

    expect((await runCli(['clients', 'disable', 'from-cli'], env)).code).toBe(0);
    expect(await eventually(async () => (await tokenStatus('from-cli', created.client_secret)) === 401)).toBe(true);

    expect((await runCli(['clients', 'enable', 'from-cli'], env)).code).toBe(0);
    const rotated = JSON.parse((await runCli(['clients', 'rotate-secret', 'from-cli', '--grace', '0', '--json'], env)).stdout) as { client_secret: string };
    expect(await eventually(async () => (await tokenStatus('from-cli', rotated.client_secret)) === 200)).toBe(true);
    expect(await tokenStatus('from-cli', created.client_secret)).toBe(401);

    expect((await runCli(['clients', 'delete', 'from-cli'], env)).code).toBe(0);
    expect(await eventually(async () => (await tokenStatus('from-cli', rotated.client_secret)) === 401)).toBe(true);
  });

  it('signs with a key rotated by the CLI', async () => {
    const client = await server.createClient();
    const rotated = JSON.parse((await runCli(['keys', 'rotate', '--now', '--json'], env)).stdout) as { kid: string };
    const signedWithNewKey = async () => {
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
      const token = ((await response.json()) as { access_token: string }).access_token;
      return decodeProtectedHeader(token).kid === rotated.kid;
    };
    expect(await eventually(signedWithNewKey)).toBe(true);
  });
});
