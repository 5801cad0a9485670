import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface UserJson {
  id: string;
  username: string;
  display_name: string | null;
  email: string | null;
  roles: string[];
  enabled: boolean;
  locked_until: string | null;
  [field: string]: unknown;
}

describe.each(STORES)('users: admin API and the protected user API on %s', (store) => {
  let server: TestServer;
  let usersToken: string;
  let otherToken: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const client = await server.createClient({ scope: 'users reports' });
    const token = async (scope: string) =>
      (
        (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
          access_token: string;
        }
      ).access_token;
    usersToken = await token('users');
    otherToken = await token('reports');
  });
  afterAll(async () => {
    await server.close();
  });

  const api = (method: string, path: string, token: string | undefined, body?: unknown) =>
    fetch(`${server.url}/api${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('names a user by username or id in the admin API and the user API, recording the id', async () => {
    const created = (await (await server.admin('POST', '/users', { username: 'Named.Nina', password: 'nina password 1' })).json()) as UserJson;
    // Usernames compare without case, as sign-in does; the id names the same user.
    for (const name of ['Named.Nina', 'named.nina', created.id]) {
      const shown = await server.admin('GET', `/users/${encodeURIComponent(name)}`);
      expect(shown.status).toBe(200);
      expect(((await shown.json()) as UserJson).id).toBe(created.id);
    }
    const viaApi = await api('PATCH', '/users/named.nina', usersToken, { display_name: 'Nina N' });
    expect(viaApi.status).toBe(200);
    expect(((await viaApi.json()) as UserJson).display_name).toBe('Nina N');
    expect((await server.admin('POST', '/users/Named.Nina/unlock')).status).toBe(200);
    expect((await server.admin('POST', '/users/Named.Nina/password', { password: 'nina password 2' })).status).toBe(204);
    const audit = (await (await server.admin('GET', '/audit?action=user.set_password')).json()) as { events: { target: string }[] };
    expect(audit.events[0]?.target).toBe(created.id);

    const missing = await server.admin('GET', '/users/nobody-at-all');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found', error_description: "no user with id or username 'nobody-at-all'" });
    expect((await server.admin('DELETE', '/users/named.nina')).status).toBe(204);
    expect((await server.admin('GET', `/users/${created.id}`)).status).toBe(404);
  });

  it('manages users through the admin API without ever returning a password', async () => {
    const created = await server.admin('POST', '/users', { username: 'Frank', password: 'frank password', display_name: 'Frank F', email: 'frank@example.com', roles: ['ops'] });
    expect(created.status).toBe(201);
    const user = (await created.json()) as UserJson;
    expect(user).toMatchObject({ username: 'Frank', display_name: 'Frank F', email: 'frank@example.com', roles: ['ops'], enabled: true, locked_until: null });
    expect(typeof user.id).toBe('string');
    const text = JSON.stringify(await (await server.admin('GET', `/users?search=frank`)).json());
    expect(text).toContain(user.id);
    expect(text).not.toMatch(/password|argon2|hash/i);

    // The admin token guards users exactly as it guards clients.
    for (const headers of [{}, { authorization: 'Bearer wrong-admin-token' }] as Record<string, string>[]) {
      const [users, clients] = await Promise.all(['users', 'clients'].map((path) => fetch(`${server.url}/admin/api/${path}`, { headers })));
      expect(users?.status).toBe(401);
      expect(users?.status).toBe(clients?.status);
      expect(await users?.json()).toEqual(await clients?.json());
    }

    const taken = await server.admin('POST', '/users', { username: 'FRANK', password: 'another password' });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { field: string }).field).toBe('username');

    for (const [body, field] of [
      [{ username: 'x', password: 'short' }, 'password'],
      [{ username: '', password: 'long enough' }, 'username'],
      [{ username: 'y', password: 'long enough', email: 'not-an-email' }, 'email'],
      [{ username: 'y', password: 'long enough', roles: 'admin' }, 'roles'],
      [{ username: 'y', password: 'long enough', shoe_size: 44 }, 'shoe_size'],
    ] as const) {
      const response = await server.admin('POST', '/users', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(field);
    }

    const patched = (await (await server.admin('PATCH', `/users/${user.id}`, { enabled: false, roles: ['ops', 'audit'] })).json()) as UserJson;
    expect(patched).toMatchObject({ enabled: false, roles: ['ops', 'audit'] });
    expect((await server.admin('POST', `/users/${user.id}/password`, { password: 'new frank password' })).status).toBe(204);
    expect((await server.admin('POST', `/users/${user.id}/unlock`)).status).toBe(200);
    expect((await server.admin('DELETE', `/users/${user.id}`)).status).toBe(204);
    expect((await server.admin('GET', `/users/${user.id}`)).status).toBe(404);
  });

  it('answers 409, never 500, when concurrent requests create the same username', async () => {
    const statuses = await Promise.all(['Zed', 'ZED', 'zed', 'zEd'].map((username) => api('POST', '/users', usersToken, { username, password: 'zed password 1' }).then((response) => response.status)));
    expect(statuses.sort()).toEqual([201, 409, 409, 409]);
  });

  it('answers the user API per RFC 6750 without a token, with a bad one and without the scope', async () => {
    const none = await api('GET', '/users', undefined);
    expect(none.status).toBe(401);
    const challenge = none.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="gatehouse"/);
    expect(challenge).not.toContain('error=');
    expect(challenge).toContain(`resource_metadata="${server.url}/.well-known/oauth-protected-resource"`);

    const bad = await api('GET', '/users', 'not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const admin = await api('GET', '/users', ADMIN_TOKEN);
    expect(admin.status).toBe(401);

    const scopeless = await api('GET', '/users', otherToken);
    expect(scopeless.status).toBe(403);
    expect(scopeless.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="users"/);

    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-protected-resource`)).json()) as { resource: string; authorization_servers: string[]; scopes_supported: string[] };
    expect(metadata).toMatchObject({ resource: server.url, authorization_servers: [server.url] });
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['users', 'commands']));
  });

  it('refuses a revoked token on the user API', async () => {
    const client = await server.createClient({ scope: 'users' });
    const auth = { authorization: basicAuth(client.client_id, client.client_secret) };
    const token = ((await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, auth)).json()) as { access_token: string }).access_token;
    expect((await api('GET', '/users', token)).status).toBe(200);
    expect((await postForm(`${server.url}/oauth/revoke`, { token }, auth)).status).toBe(200);
    const revoked = await api('GET', '/users', token);
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('takes and shows the display name and email (the OpenID Connect profile and email claims) through the user API', async () => {
    const created = await api('POST', '/users', usersToken, { username: 'heidi', password: 'heidi password', display_name: 'Heidi H', email: 'heidi@example.com' });
    expect(created.status).toBe(201);
    const user = (await created.json()) as UserJson & { email: string | null };
    expect(user).toMatchObject({ display_name: 'Heidi H', email: 'heidi@example.com' });
    expect(await (await api('GET', `/users/${user.id}`, usersToken)).json()).toMatchObject({ display_name: 'Heidi H', email: 'heidi@example.com' });
    const badEmail = await api('PATCH', `/users/${user.id}`, usersToken, { email: 'not an address' });
    expect(badEmail.status).toBe(400);
    expect(((await badEmail.json()) as { field: string }).field).toBe('email');
    const cleared = (await (await api('PATCH', `/users/${user.id}`, usersToken, { display_name: null, email: null })).json()) as UserJson & { email: string | null };
    expect(cleared).toMatchObject({ display_name: null, email: null });
    expect((await api('DELETE', `/users/${user.id}`, usersToken)).status).toBe(204);
  });

  it('lists, adds, updates, resets and deletes users with scope users', async () => {
    const created = await api('POST', '/users', usersToken, { username: 'grace', password: 'grace password', roles: ['dev'] });
    expect(created.status).toBe(201);
    const user = (await created.json()) as UserJson;
    expect((await api('POST', '/users', usersToken, { username: 'Grace', password: 'grace password' })).status).toBe(409);
    const bad = await api('POST', '/users', usersToken, { username: 'hal', password: '123' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('password');

    const list = (await (await api('GET', '/users?search=gra&limit=10', usersToken)).json()) as { users: UserJson[]; total: number };
    expect(list.users.map((entry) => entry.username)).toEqual(['grace']);
    expect(list.total).toBe(1);
    expect(((await (await api('GET', `/users/${user.id}`, usersToken)).json()) as UserJson).username).toBe('grace');
    const updated = (await (await api('PATCH', `/users/${user.id}`, usersToken, { display_name: 'Grace H', email: 'grace@example.com', enabled: false })).json()) as UserJson;
    expect(updated).toMatchObject({ display_name: 'Grace H', email: 'grace@example.com', enabled: false });
    const rename = await api('PATCH', `/users/${user.id}`, usersToken, { username: 'other' });
    expect(rename.status).toBe(400);
    expect((await api('POST', `/users/${user.id}/password`, usersToken, { password: 'a brand new password' })).status).toBe(204);
    expect((await api('POST', `/users/${user.id}/unlock`, usersToken)).status).toBe(404);
    expect((await api('DELETE', `/users/${user.id}`, usersToken)).status).toBe(204);
    expect((await api('GET', `/users/${user.id}`, usersToken)).status).toBe(404);
    expect((await api('PATCH', '/users/no-such-user', usersToken, { enabled: true })).status).toBe(404);
  });

  it('pages the user list, changes roles, resets passwords for real, and names bad fields', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) expect((await api('POST', '/users', usersToken, { username: name, password: 'page password 1' })).status).toBe(201);
    const page = async (query: string) => (await (await api('GET', `/users?search=page-&${query}`, usersToken)).json()) as { users: UserJson[]; total: number; limit: number; offset: number };
    expect(await page('limit=2')).toMatchObject({ total: 3, limit: 2, offset: 0, users: [{ username: 'page-a' }, { username: 'page-b' }] });
    expect(await page('limit=2&offset=2')).toMatchObject({ total: 3, users: [{ username: 'page-c' }] });
    const badLimit = await api('GET', '/users?limit=0', usersToken);
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { field: string }).field).toBe('limit');

    const user = (await page('limit=1')).users[0] as UserJson;
    const roles = await api('PATCH', `/users/${user.id}`, usersToken, { roles: ['reader', 'writer'] });
    expect(((await roles.json()) as UserJson).roles).toEqual(['reader', 'writer']);
    const badRoles = await api('PATCH', `/users/${user.id}`, usersToken, { roles: ['has space'] });
    expect(badRoles.status).toBe(400);
    expect(((await badRoles.json()) as { field: string }).field).toBe('roles');
    const badEnabled = await api('PATCH', `/users/${user.id}`, usersToken, { enabled: 'yes' });
    expect(((await badEnabled.json()) as { field: string }).field).toBe('enabled');

    const shortReset = await api('POST', `/users/${user.id}/password`, usersToken, { password: 'short' });
    expect(shortReset.status).toBe(400);
    expect(((await shortReset.json()) as { field: string }).field).toBe('password');
    expect((await api('POST', `/users/${user.id}/password`, usersToken, { password: 'page password 2' })).status).toBe(204);
    const origin = { sourceAddress: '127.0.0.1', clientId: 'test' };
    expect(await server.gatehouse.passwordSignIn.check('page-a', 'page password 2', origin)).toMatchObject({ ok: true });
    expect(await server.gatehouse.passwordSignIn.check('page-a', 'page password 1', origin)).toEqual({ ok: false });

    expect((await api('POST', '/users/no-such-user/password', usersToken, { password: 'long enough 1' })).status).toBe(404);
    expect((await api('GET', '/users/no-such-user', usersToken)).status).toBe(404);
    expect((await api('DELETE', '/users/no-such-user', usersToken)).status).toBe(404);
  });
});
