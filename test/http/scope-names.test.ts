import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../examples/commands', import.meta.url));

/**
 * Issue 20: the user-API and all-commands scopes renamed (GATEHOUSE_USERS_SCOPE, GATEHOUSE_COMMANDS_SCOPE) and given
 * aliases: the guards accept the new name or an alias and no longer the old name; 403 answers and discovery use the new name.
 */
describe.each(STORES)('renamed reserved scopes on %s', (store) => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };

  beforeAll(async () => {
    server = await startTestServer({
      store,
      config: { commandsDir: COMMANDS_DIR, usersScope: 'user_admin', usersScopeAliases: ['UserMgmt'], commandsScope: 'all_apps', commandsScopeAliases: ['ServerCommands'] },
    });
    client = await server.createClient({ scope: 'user_admin UserMgmt users all_apps ServerCommands commands' });
  });
  afterAll(async () => {
    await server.close();
  });

  const tokenWith = async (scope: string) => {
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const listUsers = async (token: string) => fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${token}` } });
  const runEcho = async (token: string) =>
    fetch(`${server.url}/api/apps/demo/commands/echo`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ message: 'hi' }) });

  it('lets the configured name and an alias reach the user API, and not the old name', async () => {
    expect((await listUsers(await tokenWith('user_admin'))).status).toBe(200);
    expect((await listUsers(await tokenWith('UserMgmt'))).status).toBe(200);
    const refused = await listUsers(await tokenWith('users'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="user_admin"');
  });

  it('lets the configured name and an alias reach every command, and not the old name', async () => {
    expect((await runEcho(await tokenWith('all_apps'))).status).toBe(200);
    expect((await runEcho(await tokenWith('ServerCommands'))).status).toBe(200);
    const refused = await runEcho(await tokenWith('commands'));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error_description: string }).error_description).toContain('(or all_apps)');
  });

  it('names the configured scopes and aliases in discovery, not the old names', async () => {
    const resource = (await (await fetch(`${server.url}/.well-known/oauth-protected-resource`)).json()) as { scopes_supported: string[] };
    expect(resource.scopes_supported).toEqual(expect.arrayContaining(['user_admin', 'UserMgmt', 'all_apps', 'ServerCommands']));
    expect(resource.scopes_supported).not.toContain('users');
    expect(resource.scopes_supported).not.toContain('commands');
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as { scopes_supported: string[] };
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['user_admin', 'UserMgmt', 'all_apps', 'ServerCommands']));
    expect(metadata.scopes_supported).not.toContain('users');
    expect(metadata.scopes_supported).not.toContain('commands');
  });

  it('shows the configured names to the admin API', async () => {
    const settings = await server.admin('GET', '/settings/server');
    expect(await settings.json()).toMatchObject({ users_scope: 'user_admin', users_scope_aliases: 'UserMgmt', commands_scope: 'all_apps', commands_scope_aliases: 'ServerCommands' });
    const applications = await server.admin('GET', '/applications');
    expect(((await applications.json()) as { reserved_scopes: string[] }).reserved_scopes).toEqual(['user_admin', 'UserMgmt', 'all_apps', 'ServerCommands', 'offline_access', 'roles']);
  });
});
