import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from '../helpers/audit.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'audit-admin-password';

describe.each(STORES)('audit log on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD } });
  });
  afterAll(async () => {
    await server.close();
  });

  const audit = (query: Record<string, string> = {}) => auditPage(server, query);

  it('records a change made with the admin token, without the secret it returned', async () => {
    const before = new Date().toISOString();
    const client = await server.createClient({ client_id: 'audited-1', client_name: 'Audited' });
    const { events } = await audit({ client_id: 'audited-1' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: 'admin-token', action: 'client.create', target: 'audited-1', outcome: 'success', status: 201, client_id: 'audited-1', source_address: '127.0.0.1' });
    expect(Date.parse(events[0]!.at)).toBeGreaterThanOrEqual(Date.parse(before) - 1000);
    const rotated = (await (await server.admin('POST', '/clients/audited-1/secret', { grace_period: 0 })).json()) as { client_secret: string };
    const all = JSON.stringify(await audit({ limit: '500' }));
    expect(all).not.toContain(client.client_secret);
    expect(all).not.toContain(rotated.client_secret);
    expect((await audit({ action: 'client.rotate_secret' })).events[0]).toMatchObject({ target: 'audited-1', actor: 'admin-token' });
  });

  it('names the administrator of a console session, and records refused changes with their reason', async () => {
    const signIn = await fetch(`${server.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const { csrf_token: csrf } = (await signIn.json()) as { csrf_token: string };
    const patch = (body: unknown) =>
      fetch(`${server.url}/admin/api/clients/audited-1`, { method: 'PATCH', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await patch({ enabled: false })).status).toBe(200);
    expect((await patch({ access_token_lifetime: -1 })).status).toBe(400);
    const { events } = await audit({ actor: 'admin', action: 'client.update' });
    expect(events.map((event) => event.outcome)).toEqual(['failure', 'success']);
    expect(events[0]!.reason).toMatch(/^invalid_client_metadata: access_token_lifetime/);
    expect((await audit({ actor: 'admin', action: 'session.sign_in' })).events[0]).toMatchObject({ outcome: 'success', status: 201 });

    const wrongSignIn = await fetch(`${server.url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'a-wrong-password' }),
    });
    expect(wrongSignIn.status).toBe(401);
    const failures = await audit({ action: 'session.sign_in', outcome: 'failure' });
    expect(failures.events[0]).toMatchObject({ actor: 'admin', status: 401 });
    expect(JSON.stringify(failures)).not.toContain('a-wrong-password');
    expect(JSON.stringify(await audit({ limit: '500' }))).not.toContain(PASSWORD);

    const anonymous = await fetch(`${server.url}/admin/api/clients/audited-1`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    // Failed authentication is recorded without the target the caller chose (sampled: see admin-auth-audit.test.ts).
    expect((await audit({ actor: 'anonymous' })).events[0]).toMatchObject({ action: 'admin.authentication_failed', target: null, outcome: 'failure', status: 401 });
  });

  it('records every refused token request with its reason and the client it claimed, never the secret', async () => {
    const client = await server.createClient({ client_id: 'audited-2', scope: 'read' });
    const wrongSecret = 'not-the-secret-of-audited-2';
    expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('audited-2', wrongSecret) })).status).toBe(401);
    expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'write' }, { authorization: basicAuth('audited-2', client.client_secret) })).status).toBe(400);
    expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'audited-2', client_secret: client.client_secret })).status).toBe(200);
    const { events, total } = await audit({ client_id: 'audited-2', action: 'token.refused' });
    expect(total).toBe(2);
    expect(events[0]).toMatchObject({ actor: 'client', outcome: 'failure', status: 400, client_id: 'audited-2' });
    expect(events[0]!.reason).toMatch(/^invalid_scope/);
    expect(events[1]!.reason).toMatch(/^invalid_client/);
    const text = JSON.stringify(await audit({ limit: '500' }));
    expect(text).not.toContain(wrongSecret);
    expect(text).not.toContain(client.client_secret);
  });

  it('does not record reads', async () => {
    const { total } = await audit();
    await server.admin('GET', '/clients');
    await server.admin('GET', '/keys');
    expect((await audit()).total).toBe(total);
  });

  it('filters by time and pages newest first', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await server.createClient({ client_id: name });
    const created = await audit({ action: 'client.create' });
    const pageOne = await audit({ action: 'client.create', limit: '2', offset: '0' });
    const pageTwo = await audit({ action: 'client.create', limit: '2', offset: '2' });
    expect(pageOne.total).toBe(created.total);
    expect(pageOne.events.map((event) => event.target)).toEqual(['page-c', 'page-b']);
    expect([...pageOne.events, ...pageTwo.events].map((event) => event.id)).toEqual(created.events.slice(0, 4).map((event) => event.id));
    const newest = created.events[0]!.at;
    expect((await audit({ action: 'client.create', from: newest })).events.map((event) => event.target)).toContain('page-c');
    expect((await audit({ action: 'client.create', to: '2000-01-01T00:00:00Z' })).total).toBe(0);
  });

  it('answers 400 naming a bad filter', async () => {
    for (const [name, value] of [
      ['from', 'yesterday'],
      ['outcome', 'maybe'],
      ['limit', '0'],
    ]) {
      const response = await server.admin('GET', `/audit?${name}=${value}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(name);
    }
  });
});
