import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_LINK_LIFETIME_MS } from '../../src/admin-accounts/admin-setup.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'correct horse battery staple';

function setUp(server: TestServer, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.url}/admin/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function errorOf(response: Response): Promise<{ status: number; error: string; field?: string }> {
  const body = (await response.json()) as { error: string; field?: string };
  return { status: response.status, error: body.error, ...(body.field === undefined ? {} : { field: body.field }) };
}

describe.each(STORES)('the first administrator by setup link on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  it('leads GET / to the console', async () => {
    const response = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/admin/');
  });

  it('says without authentication that no administrator exists yet', async () => {
    const response = await fetch(`${server.url}/admin/api/setup`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ needed: true });
  });

  it('refuses an expired link, a wrong secret and a missing one; a link stays pending until it is used', async () => {
    const expired = await server.gatehouse.adminSetup.offer(Date.now() - SETUP_LINK_LIFETIME_MS - 1_000);
    if (expired.kind !== 'new') throw new Error(`expected a new link, got ${expired.kind}`);
    expect(await errorOf(await setUp(server, { setup_token: expired.secret, username: 'first', password: PASSWORD }))).toEqual({ status: 403, error: 'invalid_setup_link' });

    const { secret } = await server.gatehouse.adminSetup.renew();
    expect(await errorOf(await setUp(server, { setup_token: `${secret}x`, username: 'first', password: PASSWORD }))).toEqual({ status: 403, error: 'invalid_setup_link' });
    expect(await errorOf(await setUp(server, { username: 'first', password: PASSWORD }))).toEqual({ status: 400, error: 'invalid_request', field: 'setup_token' });
    // Field errors are answered before the link is looked at, and do not use it up.
    expect(await errorOf(await setUp(server, { setup_token: secret, username: 'first', password: 'short' }))).toEqual({ status: 400, error: 'invalid_request', field: 'password' });
    expect(await errorOf(await setUp(server, { setup_token: secret, username: ' bad name', password: PASSWORD }))).toEqual({ status: 400, error: 'invalid_request', field: 'username' });
    // A restart while this link works keeps it (several instances starting at once share one link).
    expect(await server.gatehouse.adminSetup.offer()).toMatchObject({ kind: 'pending' });
    expect(await server.gatehouse.admins.list()).toEqual([]);
  });

  it('creates exactly one administrator when one link is used twice at once, and signs that one in', async () => {
    const { secret } = await server.gatehouse.adminSetup.renew();
    const answers = await Promise.all(['alice', 'bob', 'carol'].map((username) => setUp(server, { setup_token: secret, username, password: PASSWORD })));
    const created = answers.filter((answer) => answer.status === 201);
    expect(created).toHaveLength(1);
    for (const refused of answers.filter((answer) => answer.status !== 201)) {
      expect([403, 409]).toContain(refused.status);
      expect(['invalid_setup_link', 'setup_done']).toContain(((await refused.json()) as { error: string }).error);
    }
    const admins = await server.gatehouse.admins.list();
    expect(admins).toHaveLength(1);
    const session = (await created[0]!.json()) as { username: string; csrf_token: string };
    expect(session.username).toBe(admins[0]!.username);
    const cookie = created[0]!.headers
      .getSetCookie()
      .find((line) => line.startsWith('gatehouse_admin_session='))!
      .split(';')[0]!;
    const who = await fetch(`${server.url}/admin/api/session`, { headers: { cookie } });
    expect(((await who.json()) as { username: string }).username).toBe(session.username);
    // The new account signs in with its password as well.
    const signIn = await fetch(`${server.url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: session.username, password: PASSWORD }),
    });
    expect(signIn.status).toBe(201);

    // Used: the same link again gets 409, and no new link can be made or offered.
    expect(await errorOf(await setUp(server, { setup_token: secret, username: 'dave', password: PASSWORD }))).toEqual({ status: 409, error: 'setup_done' });
    expect(await (await fetch(`${server.url}/admin/api/setup`)).json()).toEqual({ needed: false });
    await expect(server.gatehouse.adminSetup.renew()).rejects.toThrow(/administrator exists/);
    expect(await server.gatehouse.adminSetup.offer()).toEqual({ kind: 'not_needed' });
    // Back to a server without administrators for the next test (the admin API keeps the last one).
    await server.gatehouse.store.db.deleteFrom('admins').execute();
  });

  it('stops a pending link from working once an administrator is made another way', async () => {
    expect(await server.gatehouse.admins.list()).toEqual([]);
    const { secret } = await server.gatehouse.adminSetup.renew();
    await server.gatehouse.admins.create('from-cli', PASSWORD);
    expect(await errorOf(await setUp(server, { setup_token: secret, username: 'late', password: PASSWORD }))).toEqual({ status: 409, error: 'setup_done' });
    expect((await server.gatehouse.admins.list()).map((admin) => admin.username)).toEqual(['from-cli']);
  });

  it('records the setup in the audit log under the new name, without the secret', async () => {
    await server.gatehouse.audit.flush();
    const response = await server.admin('GET', '/audit?action=admin.setup');
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: Array<{ actor: string; action: string; target: string | null; outcome: string }> };
    const succeeded = events.filter((event) => event.outcome === 'success');
    expect(succeeded).toHaveLength(1);
    expect(succeeded.every((event) => event.action === 'admin.setup' && event.actor === event.target)).toBe(true);
  });
});
