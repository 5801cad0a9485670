import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AdminJson, AdminsJson, ErrorJson, SessionJson } from '../../src/admin-api/wire.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'correct horse battery staple';
const AUDITOR_PASSWORD = 'auditor password 123';

interface Console {
  cookie: string;
  csrf: string;
  session: SessionJson;
  call(method: string, path: string, body?: unknown): Promise<Response>;
}

async function signIn(server: TestServer, username: string, password: string): Promise<Console> {
  const response = await fetch(`${server.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(response.status, await response.clone().text()).toBe(201);
  const cookie = response.headers
    .getSetCookie()
    .find((line) => line.startsWith('gatehouse_admin_session='))!
    .split(';')[0]!;
  const session = (await response.json()) as SessionJson;
  return {
    cookie,
    csrf: session.csrf_token,
    session,
    call: (method, path, body) =>
      fetch(`${server.url}/admin/api${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': session.csrf_token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/** Every (method, path) of the admin API, read from fastify's route table (`printRoutes`), parameters as they are written. */
export function adminApiRoutes(app: FastifyInstance): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const url = stack.join('');
    if (!url.startsWith('/admin/api/') || match[3] === undefined) continue;
    for (const method of match[3].split(', ')) routes.push({ method, url });
  }
  return routes;
}

describe.each(STORES)('console accounts and roles on %s', (store) => {
  let server: TestServer;
  let adminId: string;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD, adminSignInLimitPerUsername: 50, adminSignInLimitPerAddress: 500 } });
    const { admins } = (await (await server.admin('GET', '/admins')).json()) as AdminsJson;
    adminId = admins.find((admin) => admin.username === 'admin')!.id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists, creates (with a role), re-passwords and deletes accounts; never shows a hash', async () => {
    const created = await server.admin('POST', '/admins', { username: 'carol', password: 'carol password 1', role: 'auditor' });
    expect(created.status).toBe(201);
    const carol = (await created.json()) as AdminJson;
    expect(carol).toMatchObject({ username: 'carol', role: 'auditor' });
    expect(Object.keys(carol).sort()).toEqual(['created_at', 'id', 'role', 'updated_at', 'username']);
    const list = await server.admin('GET', '/admins');
    const text = await list.text();
    expect(text).not.toMatch(/argon2|password/);
    expect((JSON.parse(text) as AdminsJson).admins.map((admin) => [admin.username, admin.role])).toEqual([
      ['admin', 'admin'],
      ['carol', 'auditor'],
    ]);
    // Bad input: every field named, nothing written.
    for (const [body, field] of [
      [{ username: 'x y', password: 'long enough password' }, 'username'],
      [{ username: 'dave', password: 'short' }, 'password'],
      [{ username: 'dave', password: 'long enough password', role: 'root' }, 'role'],
    ] as const) {
      const refused = await server.admin('POST', '/admins', body);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { field: string }).field).toBe(field);
    }
    expect((await server.admin('POST', '/admins', { username: 'CAROL', password: 'long enough password' })).status).toBe(409);

    // A reset ends carol's console sessions; so does a deletion.
    const session = await signIn(server, 'carol', 'carol password 1');
    expect((await session.call('GET', '/clients')).status).toBe(200);
    expect((await server.admin('POST', `/admins/${carol.id}/password`, { password: 'carol password 2' })).status).toBe(204);
    expect((await session.call('GET', '/clients')).status).toBe(401);
    const again = await signIn(server, 'carol', 'carol password 2');
    expect((await server.admin('DELETE', '/admins/carol')).status).toBe(204);
    expect((await again.call('GET', '/clients')).status).toBe(401);
    expect((await server.admin('DELETE', '/admins/carol')).status).toBe(404);
  });

  it('answers 400 listing every invalid field of a new account at once, and creates nothing', async () => {
    const before = ((await (await server.admin('GET', '/admins')).json()) as AdminsJson).admins.length;
    const response = await server.admin('POST', '/admins', { username: 'has space', password: 'short', role: 'owner' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorJson;
    expect(body).toMatchObject({ error: 'invalid_request', field: 'username' });
    expect(body.fields).toEqual([
      { field: 'username', description: "must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit" },
      { field: 'password', description: 'must be 12 to 1024 characters' },
      { field: 'role', description: 'must be one of admin, auditor' },
    ]);
    expect(body.error_description).toMatch(/^username: .*; password: .*; role: /);
    // Two bad fields: those two.
    const two = (await (await server.admin('POST', '/admins', { username: '-dash-first', password: 'short' })).json()) as ErrorJson;
    expect(two.fields?.map((problem) => problem.field)).toEqual(['username', 'password']);
    expect(((await (await server.admin('GET', '/admins')).json()) as AdminsJson).admins).toHaveLength(before);
  });

  it('keeps an auditor read-only: 403 on every write route of the route table, reads pass', async () => {
    expect((await server.admin('POST', '/admins', { username: 'audrey', password: AUDITOR_PASSWORD, role: 'auditor' })).status).toBe(201);
    const auditor = await signIn(server, 'audrey', AUDITOR_PASSWORD);
    expect(auditor.session.role).toBe('auditor');
    const routes = adminApiRoutes(server.app);
    const writes = routes.filter((route) => !['GET', 'HEAD', 'OPTIONS'].includes(route.method));
    // The table really is the admin API's: its known write routes are in it.
    expect(writes).toEqual(
      expect.arrayContaining([
        { method: 'POST', url: '/admin/api/clients' },
        { method: 'POST', url: '/admin/api/admins' },
        { method: 'POST', url: '/admin/api/tokens/revoke' },
        { method: 'PUT', url: '/admin/api/branding' },
      ]),
    );
    expect(writes.length).toBeGreaterThan(25);
    const clientsBefore = await (await server.admin('GET', '/clients')).text();
    const checked: string[] = [];
    // Signing in and out, and changing one's own password, are not changes to the server; the setup link's route
    // takes no session at all and works only while no administrator exists (409 setup_done here).
    const ownSession = (url: string) => url === '/admin/api/session' || url === '/admin/api/session/password' || url === '/admin/api/setup';
    for (const route of writes) {
      if (ownSession(route.url)) continue;
      const path = route.url
        .replace(/^\/admin\/api/, '')
        .replace(/:[A-Za-z_]+/g, 'x')
        .replace(/\*$/, 'x');
      const response = await auditor.call(route.method, path, {});
      expect(response.status, `${route.method} ${route.url}`).toBe(403);
      expect(((await response.json()) as { error: string }).error).toBe('forbidden');
      checked.push(`${route.method} ${route.url}`);
    }
    expect(checked.length).toBe(writes.length - writes.filter((route) => ownSession(route.url)).length);
    expect(await (await server.admin('GET', '/clients')).text()).toBe(clientsBefore);
    // Reads pass.
    for (const path of ['/clients', '/users', '/admins', '/audit', '/keys', '/settings/server']) expect((await auditor.call('GET', path)).status, path).toBe(200);
    // A refused change is audited under the auditor's name.
    await server.gatehouse.audit.flush();
    const { events } = (await (await server.admin('GET', '/audit?actor=audrey&outcome=failure')).json()) as { events: { action: string; status: number }[] };
    expect(events.some((event) => event.action === 'client.create' && event.status === 403)).toBe(true);
  });

  it('lets any account change its own password with the current one; other sessions end, this one stays', async () => {
    const first = await signIn(server, 'audrey', AUDITOR_PASSWORD);
    const second = await signIn(server, 'audrey', AUDITOR_PASSWORD);
    const wrong = await first.call('POST', '/session/password', { current_password: 'not it at all', new_password: 'auditor password 456' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { field: string }).field).toBe('current_password');
    const short = await first.call('POST', '/session/password', { current_password: AUDITOR_PASSWORD, new_password: 'short' });
    expect(((await short.json()) as { field: string }).field).toBe('new_password');
    // Both wrong: both named, each as the request names it; nothing changes.
    const both = (await (await first.call('POST', '/session/password', { current_password: 'not it at all', new_password: 'short' })).json()) as ErrorJson;
    expect(both.fields).toEqual([
      { field: 'current_password', description: 'is not your current password' },
      { field: 'new_password', description: 'must be 12 to 1024 characters' },
    ]);
    expect((await first.call('POST', '/session/password', { current_password: AUDITOR_PASSWORD, new_password: 'auditor password 456' })).status).toBe(204);
    expect((await first.call('GET', '/clients')).status).toBe(200);
    expect((await second.call('GET', '/clients')).status).toBe(401);
    await signIn(server, 'audrey', 'auditor password 456');
    // The admin token has no password of its own.
    expect((await server.admin('POST', '/session/password', { current_password: 'x', new_password: 'y'.repeat(12) })).status).toBe(400);
  });

  it('never deletes yourself or the last administrator, and never demotes the last one', async () => {
    const admin = await signIn(server, 'admin', PASSWORD);
    const self = await admin.call('DELETE', `/admins/${adminId}`);
    expect(self.status).toBe(409);
    expect(((await self.json()) as { error: string }).error).toBe('cannot_delete_self');
    const demote = await server.admin('PATCH', `/admins/${adminId}`, { role: 'auditor' });
    expect(demote.status).toBe(409);
    expect(((await demote.json()) as { error: string }).error).toBe('last_admin');
    const lastDelete = await server.admin('DELETE', `/admins/${adminId}`);
    expect(lastDelete.status).toBe(409);
    // With a second administrator, the first may be demoted, and promoted back.
    const bob = (await (await server.admin('POST', '/admins', { username: 'bob', password: 'bob password 123' })).json()) as AdminJson;
    expect(bob.role).toBe('admin');
    expect(((await (await server.admin('PATCH', `/admins/${adminId}`, { role: 'auditor' })).json()) as AdminJson).role).toBe('auditor');
    // Demoted: the open session is read-only from its next request.
    expect((await admin.call('POST', '/clients', { client_name: 'x' })).status).toBe(403);
    expect((await server.admin('PATCH', `/admins/${bob.id}`, { role: 'auditor' })).status).toBe(409);
    expect((await server.admin('PATCH', `/admins/${adminId}`, { role: 'admin' })).status).toBe(200);
    expect((await server.admin('DELETE', `/admins/${bob.id}`)).status).toBe(204);
  });

  it('of two concurrent deletes of the last two administrators, exactly one succeeds', async () => {
    for (let round = 0; round < 3; round += 1) {
      const a = (await (await server.admin('POST', '/admins', { username: `a${round}`, password: 'a password 12345' })).json()) as AdminJson;
      const b = (await (await server.admin('POST', '/admins', { username: `b${round}`, password: 'a password 12345' })).json()) as AdminJson;
      // The original administrator steps aside so that a and b are the last two.
      expect((await server.admin('PATCH', `/admins/${adminId}`, { role: 'auditor' })).status).toBe(200);
      const results = await Promise.all([server.admin('DELETE', `/admins/${a.id}`), server.admin('DELETE', `/admins/${b.id}`)]);
      expect(results.map((response) => response.status).sort()).toEqual([204, 409]);
      const { admins } = (await (await server.admin('GET', '/admins')).json()) as AdminsJson;
      expect(admins.filter((account) => account.role === 'admin')).toHaveLength(1);
      expect((await server.admin('PATCH', `/admins/${adminId}`, { role: 'admin' })).status).toBe(200);
      const survivor = admins.find((account) => account.role === 'admin')!;
      expect((await server.admin('DELETE', `/admins/${survivor.id}`)).status).toBe(204);
    }
  });

  it('records account changes in the audit log without passwords', async () => {
    await server.gatehouse.audit.flush();
    const response = await server.admin('GET', '/audit?limit=200');
    const text = await response.text();
    const { events } = JSON.parse(text) as { events: { action: string; target: string | null }[] };
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['admin.create', 'admin.set_password', 'admin.delete', 'admin.change_role']));
    expect(text).not.toContain('carol password');
  });
});
