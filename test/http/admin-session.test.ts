import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'correct horse battery staple';

interface SessionJson {
  username: string;
  csrf_token: string;
  expires_at: string;
  idle_expires_at: string;
}

async function signIn(server: TestServer, username: string, password: string): Promise<Response> {
  return fetch(`${server.url}/admin/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** The `name=value` part of the session cookie a response sets. */
function sessionCookieOf(response: Response): string {
  const header = response.headers.getSetCookie().find((line) => line.startsWith('gatehouse_admin_session='));
  if (!header) throw new Error('no session cookie');
  return header.split(';')[0]!;
}

describe.each(STORES)('console sessions on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD, adminSignInLimitPerUsername: 3, adminSignInLimitPerAddress: 50 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates "admin" from GATEHOUSE_ADMIN_PASSWORD and signs in with a strict HttpOnly cookie on /admin', async () => {
    const response = await signIn(server, 'admin', PASSWORD);
    expect(response.status).toBe(201);
    const body = (await response.json()) as SessionJson;
    expect(body.username).toBe('admin');
    expect(body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('gatehouse_admin_session='))!;
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\/admin(;|$)/);
    // Served over http: no Secure attribute, else the browser would drop the cookie.
    expect(setCookie).not.toMatch(/; Secure/i);
    const value = sessionCookieOf(response).split('=')[1]!;
    expect(JSON.stringify(body)).not.toContain(value);
  });

  it('answers who is signed in with the CSRF token, and lets the session read the admin API', async () => {
    const cookie = sessionCookieOf(await signIn(server, 'admin', PASSWORD));
    const who = await fetch(`${server.url}/admin/api/session`, { headers: { cookie } });
    expect(who.status).toBe(200);
    expect(((await who.json()) as SessionJson).username).toBe('admin');
    const clients = await fetch(`${server.url}/admin/api/clients`, { headers: { cookie } });
    expect(clients.status).toBe(200);
    const none = await fetch(`${server.url}/admin/api/session`);
    expect(none.status).toBe(401);
  });

  it('needs the matching X-CSRF-Token for every change made with a session', async () => {
    const response = await signIn(server, 'admin', PASSWORD);
    const cookie = sessionCookieOf(response);
    const { csrf_token: csrf } = (await response.json()) as SessionJson;
    const create = (headers: Record<string, string>) =>
      fetch(`${server.url}/admin/api/clients`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ client_name: 'via console' }) });
    const missing = await create({});
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_csrf_token');
    expect((await create({ 'x-csrf-token': 'A'.repeat(43) })).status).toBe(403);
    // Another session's token does not fit this one.
    const other = (await (await signIn(server, 'admin', PASSWORD)).json()) as SessionJson;
    expect((await create({ 'x-csrf-token': other.csrf_token })).status).toBe(403);
    const created = await create({ 'x-csrf-token': csrf });
    expect(created.status).toBe(201);
    // The admin token needs no CSRF token, as before.
    expect((await server.admin('POST', '/clients', { client_name: 'via token' })).status).toBe(201);
  });

  it('signs out: the cookie no longer works and is cleared', async () => {
    const response = await signIn(server, 'admin', PASSWORD);
    const cookie = sessionCookieOf(response);
    const { csrf_token: csrf } = (await response.json()) as SessionJson;
    expect((await fetch(`${server.url}/admin/api/session`, { method: 'DELETE', headers: { cookie } })).status).toBe(403);
    const out = await fetch(`${server.url}/admin/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/gatehouse_admin_session=;/);
    expect((await fetch(`${server.url}/admin/api/clients`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${server.url}/admin/api/session`, { headers: { cookie } })).status).toBe(401);
  });

  it('ends sessions after the idle time and after the absolute lifetime', async () => {
    const cookie = sessionCookieOf(await signIn(server, 'admin', PASSWORD));
    const value = cookie.split('=')[1]!;
    const sessions = server.gatehouse.adminSessions;
    const idle = server.config.adminSessionIdle * 1000;
    expect(await sessions.resume(value, Date.now() + idle - 60_000)).toBeDefined();
    // Used a minute before the idle limit: that use moved the idle limit on.
    expect(await sessions.resume(value, Date.now() + idle + 30_000)).toBeDefined();
    expect(await sessions.resume(value, Date.now() + server.config.adminSessionMax * 1000 + 1000)).toBeUndefined();
    // Gone for good once expired.
    expect((await fetch(`${server.url}/admin/api/clients`, { headers: { cookie } })).status).toBe(401);

    const idleCookie = sessionCookieOf(await signIn(server, 'admin', PASSWORD)).split('=')[1]!;
    expect(await sessions.resume(idleCookie, Date.now() + idle + 1000)).toBeUndefined();
  });

  it('refuses a wrong password without a session, and rate-limits failures per username with 429 Retry-After', async () => {
    await server.gatehouse.admins.create('ops', 'ops-password-1234');
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await signIn(server, 'ops', 'not-the-password');
      expect(wrong.status).toBe(401);
      expect(wrong.headers.getSetCookie()).toEqual([]);
    }
    const limited = await signIn(server, 'ops', 'ops-password-1234');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.getSetCookie()).toEqual([]);
    // Other names are not held up by it.
    expect((await signIn(server, 'admin', PASSWORD)).status).toBe(201);
    const unknown = await signIn(server, 'nobody', PASSWORD);
    expect(unknown.status).toBe(401);
  });

  it('answers 400 for a malformed sign-in body', async () => {
    const response = await fetch(`${server.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": 5}' });
    expect(response.status).toBe(400);
  });
});

describe('console sessions over https', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { adminPassword: PASSWORD, issuer: 'https://gatehouse.example' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('marks the session cookie Secure when the issuer is https', async () => {
    const response = await signIn(server, 'admin', PASSWORD);
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie().find((line) => line.startsWith('gatehouse_admin_session='))).toMatch(/; Secure/i);
  });

  it('rate-limits failures per source address', async () => {
    for (let attempt = 0; attempt < server.config.adminSignInLimitPerAddress; attempt++) {
      expect((await signIn(server, `someone-${attempt}`, 'wrong-password')).status).toBe(401);
    }
    expect((await signIn(server, 'admin', PASSWORD)).status).toBe(429);
  });
});
