import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../examples/commands', import.meta.url));

describe('server commands from the example folder', () => {
  let server: TestServer;
  let crm: Server;
  let crmSeen: { url?: string; headers?: IncomingHttpHeaders } = {};
  let client: { client_id: string; client_secret: string };

  beforeAll(async () => {
    crm = createServer((request, response) => {
      crmSeen = { url: request.url, headers: request.headers };
      if (request.url === '/customers/404') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: request.url?.split('/').pop(), name: 'Ada' }));
    });
    await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
    process.env.CRM_BASE_URL = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
    process.env.CRM_API_KEY = 'crm-key-from-environment';
    // The stub CRM listens on loopback, which http-request commands may call only when allowed.
    server = await startTestServer({ store: 'sqlite', config: { commandsDir: COMMANDS_DIR, commandInternalNetworks: ['127.0.0.1/32'] } });
    client = await server.createClient({ scope: 'demo demo:write reports crm commands' });
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => crm.close(resolve));
  });

  const tokenWith = async (scope: string) =>
    (
      (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
  const run = (app: string, name: string, token: string | undefined, body?: unknown) =>
    fetch(`${server.url}/api/apps/${app}/commands/${name}`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('runs a command with the application scope and hands it the caller', async () => {
    const response = await run('demo', 'echo', await tokenWith('demo'), { message: 'hello' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echo: 'hello', caller: client.client_id });
  });

  it('lets the reserved scope commands reach every application', async () => {
    expect((await run('demo', 'echo', await tokenWith('commands'), { message: 'hi' })).status).toBe(200);
    expect((await run('demo', 'reserve', await tokenWith('commands'), { seat: '1A' })).status).toBe(409);
  });

  it('answers RFC 6750 errors: no token, bad token, missing scope', async () => {
    const none = await run('demo', 'echo', undefined, { message: 'x' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", resource_metadata=/);
    expect((await run('demo', 'echo', 'junk', { message: 'x' })).status).toBe(401);
    const scopeless = await run('demo', 'echo', await tokenWith('reports'), { message: 'x' });
    expect(scopeless.status).toBe(403);
    expect(scopeless.headers.get('www-authenticate')).toContain('scope="demo"');
  });

  it('lets a command declaration win over its application: own scope, and protection in an unprotected group', async () => {
    const withDemoOnly = await run('demo', 'reserve', await tokenWith('demo'), { seat: '1A' });
    expect(withDemoOnly.status).toBe(403);
    expect(withDemoOnly.headers.get('www-authenticate')).toContain('scope="demo:write"');
    const reserved = await run('demo', 'reserve', await tokenWith('demo:write'), { seat: '1A' });
    expect(reserved.status).toBe(409);
    expect(await reserved.json()).toEqual({ error: 'seat_taken', error_description: 'seat 1A is taken' });

    expect((await run('public', 'report', undefined)).status).toBe(401);
    expect(await (await run('public', 'report', await tokenWith('reports'))).json()).toEqual({ for: client.client_id });
  });

  it('runs unprotected commands without looking at a token, even a garbage one', async () => {
    const response = await run('public', 'ping', 'garbage-token');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ pong: true });
  });

  it('validates input against the schema, naming the field', async () => {
    const token = await tokenWith('demo');
    for (const [body, field] of [
      [{}, 'message'],
      [{ message: 5 }, 'message'],
      [{ message: 'x', extra: true }, 'extra'],
    ] as const) {
      const response = await run('demo', 'echo', token, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(field);
    }
  });

  it('hides thrown errors behind a JSON 500 and stops slow commands with a 504', async () => {
    const token = await tokenWith('demo');
    const crashed = await run('demo', 'crash', token);
    expect(crashed.status).toBe(500);
    const text = await crashed.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('at ');
    expect(JSON.parse(text)).toEqual({ error: 'command_failed', error_description: 'the command failed' });
    const slow = await run('demo', 'slow', token);
    expect(slow.status).toBe(504);
    expect(((await slow.json()) as { error: string }).error).toBe('timeout');
    expect((await run('demo', 'missing', token)).status).toBe(404);
  });

  it('tells only an authenticated caller that a command does not exist', async () => {
    const anonymous = await run('nosuchapp', 'missing', undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse"/);
    expect((await run('demo', 'missing', 'not-a-token')).status).toBe(401);
    expect((await run('nosuchapp', 'missing', await tokenWith('demo'))).status).toBe(404);
  });

  it('calls another system for an http-request command, forwarding identity and reporting its errors', async () => {
    const token = await tokenWith('crm');
    const found = await run('crm', 'lookup', token, { id: '42' });
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ id: '42', name: 'Ada' });
    expect(crmSeen.url).toBe('/customers/42');
    expect(crmSeen.headers?.['x-api-key']).toBe('crm-key-from-environment');
    expect(crmSeen.headers?.['x-gatehouse-caller']).toBe(`client_id="${client.client_id}", sub="${client.client_id}"`);
    const missing = await run('crm', 'lookup', token, { id: '404' });
    expect(missing.status).toBe(502);
    expect(((await missing.json()) as { error: string }).error).toBe('upstream_error');
    const invalid = await run('crm', 'lookup', token, { id: '../admin' });
    expect(invalid.status).toBe(400);
    // Ajv says `must match pattern "^[0-9]+$"`: the quotes are outside RFC 6749's error_description characters.
    expect(await invalid.json()).toEqual({ error: 'invalid_request', error_description: "id: must match pattern '^[0-9]+$'", field: 'id' });
  });

  it('describes the scopes its commands use in the RFC 9728 metadata', async () => {
    const response = await fetch(`${server.url}/.well-known/oauth-protected-resource`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as { resource: string; authorization_servers: string[]; scopes_supported: string[]; bearer_methods_supported: string[] };
    expect(metadata.resource).toBe(server.url);
    expect(metadata.authorization_servers).toEqual([server.url]);
    expect(metadata.bearer_methods_supported).toEqual(['header']);
    expect([...metadata.scopes_supported].sort()).toEqual(['commands', 'crm', 'demo', 'demo:write', 'reports', 'users']);
  });

  it('lists what the caller’s scope reaches', async () => {
    const listing = (await (await fetch(`${server.url}/api/apps`, { headers: { authorization: `Bearer ${await tokenWith('demo')}` } })).json()) as {
      apps: { name: string; commands: { name: string; scope: string; protected: boolean }[] }[];
    };
    const names = listing.apps.map((app) => app.name).sort();
    expect(names).toEqual(['demo', 'public']);
    expect(
      listing.apps
        .find((app) => app.name === 'demo')
        ?.commands.map((command) => command.name)
        .sort(),
    ).toEqual(['crash', 'echo', 'noop', 'slow']);
    expect(
      listing.apps
        .find((app) => app.name === 'public')
        ?.commands.map((command) => command.name)
        .sort(),
    ).toEqual(['noop', 'ping']);
    expect((await fetch(`${server.url}/api/apps`)).status).toBe(401);
  });
});
