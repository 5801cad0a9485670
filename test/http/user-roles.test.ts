import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface ErrorBody {
  error: string;
  error_description: string;
  roles?: string;
}

/** A command needing the role `clerk` (besides the scope `staff`), answering the caller it sees. */
const STAFF_COMMANDS = `
const COMMAND = Symbol.for('gatehouse.command');
const APPLICATION = Symbol.for('gatehouse.application');
export const staff = Object.assign({ name: 'staff', roles: ['clerk'] }, { [APPLICATION]: true });
export const whoami = Object.assign({ app: 'staff', name: 'whoami', handler: ({ caller }) => caller }, { [COMMAND]: true });
export const open = Object.assign({ app: 'staff', name: 'open', protected: false, handler: () => ({ ok: true }) }, { [COMMAND]: true });
`;

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe.each(STORES)('user roles: the roles claim, role-protected commands and the user API on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let commandsDir: string;

  beforeAll(async () => {
    commandsDir = mkdtempSync(join(tmpdir(), 'gatehouse-roles-'));
    writeFileSync(join(commandsDir, 'staff.mjs'), STAFF_COMMANDS);
    server = await startTestServer({ store, config: { commandsDir } });
    app = await server.createClient({ grant_types: ['password', 'client_credentials'], scope: 'users roles staff' });
    for (const [username, roles] of [
      ['plain', []],
      ['keeper', ['user-admin', 'clerk']],
      ['boss', ['user-admin', 'clerk', 'admin']],
    ] as const) {
      const created = await server.admin('POST', '/users', { username, password: `${username} password 1`, roles });
      expect(created.status).toBe(201);
    }
  });
  afterAll(async () => {
    await server.close();
    rmSync(commandsDir, { recursive: true, force: true });
  });

  const tokenFor = async (username: string, scope: string) => {
    const response = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'password', username, password: `${username} password 1`, scope },
      { authorization: basicAuth(app.client_id, app.client_secret) },
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const clientToken = async (scope: string) => {
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(app.client_id, app.client_secret) });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const api = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${server.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('puts the roles claim in a user token only with the roles scope, never in a client token', async () => {
    expect(claimsOf(await tokenFor('keeper', 'staff roles')).roles).toEqual(['user-admin', 'clerk']);
    expect(claimsOf(await tokenFor('plain', 'staff roles')).roles).toEqual([]);
    expect(claimsOf(await tokenFor('keeper', 'staff'))).not.toHaveProperty('roles');
    expect(claimsOf(await clientToken('staff roles'))).not.toHaveProperty('roles');
    // The client must be allowed the scope roles like any scope.
    const other = await server.createClient({ grant_types: ['password'], scope: 'staff' });
    const refused = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'password', username: 'keeper', password: 'keeper password 1', scope: 'staff roles' },
      { authorization: basicAuth(other.client_id, other.client_secret) },
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error).toBe('invalid_scope');
  });

  it('runs a role-protected command only for a caller whose token carries the role, and shows caller.roles', async () => {
    const allowed = await api('POST', '/apps/staff/commands/whoami', await tokenFor('keeper', 'staff roles'), {});
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ scope: ['staff', 'roles'], roles: ['user-admin', 'clerk'] });

    const lacking = await api('POST', '/apps/staff/commands/whoami', await tokenFor('plain', 'staff roles'), {});
    expect(lacking.status).toBe(403);
    expect(await lacking.json()).toMatchObject({ error: 'insufficient_role', roles: 'clerk' });
    expect(lacking.headers.get('www-authenticate')).toMatch(/error="insufficient_role".*roles="clerk"/);

    // Without the roles scope the token carries no roles: refused, and told why.
    const noClaim = await api('POST', '/apps/staff/commands/whoami', await tokenFor('keeper', 'staff'), {});
    expect(noClaim.status).toBe(403);
    expect(((await noClaim.json()) as ErrorBody).error_description).toMatch(/clerk.*scope roles/);

    // A client token has no roles; an application's roles protect even a command declared unprotected.
    expect((await api('POST', '/apps/staff/commands/whoami', await clientToken('staff roles'), {})).status).toBe(403);
    expect((await fetch(`${server.url}/api/apps/staff/commands/open`, { method: 'POST' })).status).toBe(401);

    const listed = (await (await api('GET', '/apps', await tokenFor('plain', 'staff roles'))).json()) as { apps: unknown[] };
    expect(listed.apps).toEqual([]);
    const listedForClerk = (await (await api('GET', '/apps', await tokenFor('keeper', 'staff roles'))).json()) as { apps: { commands: { roles?: string[] }[] }[] };
    expect(listedForClerk.apps[0]?.commands[0]?.roles).toEqual(['clerk']);
  });

  it('refuses the user API to a user without the user-admin role', async () => {
    const token = await tokenFor('plain', 'users');
    for (const [method, path, body] of [
      ['GET', '/users', undefined],
      ['POST', '/users', { username: 'sneaky', password: 'sneaky password', roles: ['admin'] }],
    ] as const) {
      const response = await api(method, path, token, body);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'insufficient_role', roles: 'user-admin' });
      expect(response.headers.get('www-authenticate')).toContain('roles="user-admin"');
    }
    const list = (await (await server.admin('GET', '/users?search=sneaky')).json()) as { total: number };
    expect(list.total).toBe(0);
  });

  it('lets a user-admin manage users, granting only roles it holds and touching only users within its roles', async () => {
    const token = await tokenFor('keeper', 'users');
    const created = await api('POST', '/users', token, { username: 'newbie', password: 'newbie password', roles: ['clerk'] });
    expect(created.status).toBe(201);
    const newbie = (await created.json()) as { id: string };

    const escalate = await api('POST', '/users', token, { username: 'evil', password: 'evil password 1', roles: ['admin'] });
    expect(escalate.status).toBe(403);
    const refusal = (await escalate.json()) as ErrorBody;
    expect(refusal).toMatchObject({ error: 'insufficient_role', roles: 'admin' });
    expect(refusal.error_description).toContain('admin');
    expect((await api('PATCH', `/users/${newbie.id}`, token, { roles: ['clerk', 'admin'] })).status).toBe(403);
    expect((await api('PATCH', `/users/${newbie.id}`, token, { display_name: 'New B' })).status).toBe(200);

    // The boss holds admin: keeper may not reset its password, change or delete it.
    const boss = ((await (await api('GET', '/users?search=boss', token)).json()) as { users: { id: string }[] }).users[0]?.id ?? '';
    expect((await api('POST', `/users/${boss}/password`, token, { password: 'taken over 123' })).status).toBe(403);
    expect((await api('PATCH', `/users/${boss}`, token, { enabled: false })).status).toBe(403);
    expect((await api('DELETE', `/users/${boss}`, token)).status).toBe(403);
    expect((await api('DELETE', `/users/${newbie.id}`, token)).status).toBe(204);

    const bossToken = await tokenFor('boss', 'users');
    expect((await api('POST', '/users', bossToken, { username: 'second-admin', password: 'second password', roles: ['admin'] })).status).toBe(201);
  });

  it('keeps the rights of a client token acting for itself', async () => {
    const token = await clientToken('users');
    const created = await api('POST', '/users', token, { username: 'made-by-client', password: 'client password', roles: ['admin', 'anything'] });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await api('DELETE', `/users/${id}`, token)).status).toBe(204);
  });
});
