import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../examples/commands', import.meta.url));

async function scopesSupported(server: TestServer): Promise<string[]> {
  const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { scopes_supported: string[] }).scopes_supported;
}

/**
 * RFC 8414 scopes_supported names the scopes Gatehouse and its resources declare (the user API, `commands`,
 * the scopes server commands require: a protected application's name or what a command declares; the elements
 * security profiles map, `offline_access` and OpenID Connect's `openid`, `profile` and `email`),
 * never the scope strings that happen to be given to some client: those would tell anyone what partners hold.
 */
describe.each(STORES)('discovery scopes_supported on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { commandsDir: COMMANDS_DIR } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists the declared scopes, not the scopes clients hold', async () => {
    await server.createClient({ scope: 'partner-acme:ledger internal:payroll' });
    const created = await server.admin('POST', '/profiles', { name: 'mobile', scope_element_mapping: { 'payments:approve': [] } });
    expect(created.status).toBe(201);
    await server.gatehouse.changes.pollNow();
    const scopes = await scopesSupported(server);
    expect([...scopes].sort()).toEqual(['commands', 'crm', 'demo', 'demo:write', 'email', 'offline_access', 'openid', 'payments:approve', 'profile', 'reports', 'roles', 'users']);
    expect(scopes).not.toContain('partner-acme:ledger');
  });
});
