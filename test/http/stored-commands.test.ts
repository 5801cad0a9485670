import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationsJson, DeclarativeCommandJson, DeclarativeCommandsJson, ErrorJson } from '../../src/admin-api/wire.js';
import { auditPage } from '../helpers/audit.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const SECRET = 'stored-command-secret-from-env';

/** Waits until `check` holds, reading again every 20 ms; fails after a generous overall time (a loaded machine). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** http-request commands authored through the admin API, served by a real Gatehouse on each store. */
describe.each(STORES)('stored commands (%s)', (store) => {
  let server: TestServer;
  let upstream: Server;
  let upstreamUrl: string;
  let commandsDir: string;
  let seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let token: string;
  const logLines: string[] = [];

  const spec = (extra: Record<string, unknown> = {}) => ({
    kind: 'http-request',
    app: 'sales',
    name: 'lookup',
    method: 'POST',
    url: `${upstreamUrl}/customers/{{input.id}}`,
    headers: { 'x-api-key': '{{env.GATEHOUSE_TEST_STORED_COMMAND_SECRET}}' },
    body: { id: '{{input.id}}' },
    input: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    ...extra,
  });
  const run = (app: string, name: string, input: unknown, url = server.url) =>
    fetch(`${url}/api/apps/${app}/commands/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  const listed = async (target = server) => ((await (await target.admin('GET', '/commands')).json()) as DeclarativeCommandsJson).commands;

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: request.url }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    process.env.GATEHOUSE_TEST_STORED_COMMAND_SECRET = SECRET;
    commandsDir = mkdtempSync(join(tmpdir(), 'gatehouse-stored-commands-'));
    writeFileSync(join(commandsDir, 'ping.json'), JSON.stringify({ kind: 'http-request', app: 'sales', name: 'ping', url: `${upstreamUrl}/ping` }));
    writeFileSync(join(commandsDir, 'text.mjs'), "export const text = { app: 'sales', name: 'text', handler: () => 'words', [Symbol.for('gatehouse.command')]: true };\n");
    server = await startTestServer({
      store,
      config: { commandsDir, commandInternalNetworks: ['127.0.0.1/32'], commandEnv: ['GATEHOUSE_TEST_STORED_*'], logLevel: 'info' },
      logDestination: { write: (line) => logLines.push(line) },
    });
    const client = await server.createClient({ scope: 'sales' });
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'sales' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(commandsDir, { recursive: true, force: true });
    delete process.env.GATEHOUSE_TEST_STORED_COMMAND_SECRET;
  });

  it('lists the folder commands read-only, with the spec of a .json file and none for a module', async () => {
    const commands = await listed();
    expect(commands.map((command) => `${command.app}/${command.name}`)).toEqual(['sales/ping', 'sales/text']);
    expect(commands[0]).toMatchObject({
      source: 'folder',
      spec: { kind: 'http-request', url: `${upstreamUrl}/ping` },
      protected: true,
      scope: ['sales'],
      roles: [],
      updated_at: null,
      updated_by: null,
    });
    expect(commands[1]).toMatchObject({ source: 'folder', spec: null });
  });

  it('creates a command that is served at once, replaces it, deletes it, and audits each change', async () => {
    const created = await server.admin('POST', '/commands', spec());
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/admin/api/commands/sales/lookup');
    const json = (await created.json()) as DeclarativeCommandJson;
    expect(json).toMatchObject({ app: 'sales', name: 'lookup', source: 'console', protected: true, scope: ['sales'], roles: [], updated_by: 'admin-token' });
    expect(json.spec).toEqual(spec());
    expect(Date.parse(json.updated_at ?? '')).toBeGreaterThan(0);

    seen = [];
    const called = await run('sales', 'lookup', { id: 'c-1' });
    expect(called.status).toBe(200);
    expect(await called.json()).toEqual({ path: '/customers/c-1' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/customers/c-1', body: JSON.stringify({ id: 'c-1' }) });
    expect(seen[0]?.headers['x-api-key']).toBe(SECRET);
    // The input schema applies, as for a command file.
    const invalid = await run('sales', 'lookup', {});
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ErrorJson).field).toBe('id');

    // Listed with the folder's, and in the applications; the environment value never shows.
    const commands = await listed();
    expect(commands.map((command) => `${command.app}/${command.name}:${command.source}`)).toEqual(['sales/lookup:console', 'sales/ping:folder', 'sales/text:folder']);
    const applications = (await (await server.admin('GET', '/applications')).json()) as ApplicationsJson;
    expect(applications.applications.find((application) => application.name === 'sales')?.commands.map((command) => command.name)).toEqual(['lookup', 'ping', 'text']);
    const one = await server.admin('GET', '/commands/sales/lookup');
    expect(one.status).toBe(200);
    const texts = [JSON.stringify(commands), JSON.stringify(applications), await one.text()];
    for (const text of texts) expect(text).not.toContain(SECRET);
    expect(texts[2]).toContain('{{env.GATEHOUSE_TEST_STORED_COMMAND_SECRET}}');

    const replaced = await server.admin('PUT', '/commands/sales/lookup', spec({ url: `${upstreamUrl}/v2/customers/{{input.id}}`, roles: [] }));
    expect(replaced.status).toBe(200);
    expect(((await replaced.json()) as DeclarativeCommandJson).spec?.url).toBe(`${upstreamUrl}/v2/customers/{{input.id}}`);
    expect(await (await run('sales', 'lookup', { id: 'c-2' })).json()).toEqual({ path: '/v2/customers/c-2' });

    expect((await server.admin('DELETE', '/commands/sales/lookup')).status).toBe(204);
    const gone = await run('sales', 'lookup', { id: 'c-3' });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as ErrorJson).error).toBe('not_found');
    expect((await server.admin('DELETE', '/commands/sales/lookup')).status).toBe(404);
    expect((await server.admin('PUT', '/commands/sales/lookup', spec())).status).toBe(404);
    expect((await server.admin('GET', '/commands/sales/lookup')).status).toBe(404);

    await server.gatehouse.audit.flush();
    const events = (await auditPage(server, { limit: '500' })).events.filter((event) => event.action.startsWith('command.'));
    const summary = events.map((event) => `${event.action} ${event.target ?? ''} ${event.outcome} ${event.status ?? ''}`).reverse();
    expect(summary).toEqual([
      'command.create sales/lookup success 201',
      'command.update sales/lookup success 200',
      'command.delete sales/lookup success 204',
      'command.delete sales/lookup failure 404',
      'command.update sales/lookup failure 404',
    ]);
    for (const event of events) expect(event.actor).toBe('admin-token');
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(logLines.join('\n')).not.toContain(SECRET);
  });

  it('names the scope a stored command declares in both discovery documents while it exists', async () => {
    const scopes = async () => [
      ((await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as { scopes_supported: string[] }).scopes_supported,
      ((await (await fetch(`${server.url}/.well-known/oauth-protected-resource`)).json()) as { scopes_supported: string[] }).scopes_supported,
    ];
    for (const list of await scopes()) expect(list).not.toContain('sales:audit');
    expect((await server.admin('POST', '/commands', spec({ name: 'audited', scope: 'sales:audit' }))).status).toBe(201);
    for (const list of await scopes()) expect(list).toContain('sales:audit');
    expect((await server.admin('DELETE', '/commands/sales/audited')).status).toBe(204);
    for (const list of await scopes()) expect(list).not.toContain('sales:audit');
  });

  it('refuses a second command of the same app and name (409), and keeps the first', async () => {
    expect((await server.admin('POST', '/commands', spec({ name: 'twice' }))).status).toBe(201);
    const again = await server.admin('POST', '/commands', spec({ name: 'twice', url: `${upstreamUrl}/other` }));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'conflict', field: 'name' });
    expect((await listed()).find((command) => command.name === 'twice')?.spec?.url).toBe(`${upstreamUrl}/customers/{{input.id}}`);
    expect((await server.admin('DELETE', '/commands/sales/twice')).status).toBe(204);
  });

  it('keeps the folder commands read-only: 409 to create, replace or delete one', async () => {
    const clash = await server.admin('POST', '/commands', spec({ name: 'ping' }));
    expect(clash.status).toBe(409);
    const body = (await clash.json()) as ErrorJson;
    expect(body).toMatchObject({ error: 'conflict', field: 'name' });
    expect(body.error_description).toMatch(/commands folder/);
    expect((await server.admin('PUT', '/commands/sales/ping', spec({ name: 'ping' }))).status).toBe(409);
    expect((await server.admin('DELETE', '/commands/sales/text')).status).toBe(409);
    expect((await run('sales', 'ping', {})).status).toBe(200);
  });

  it.each([
    ['url', { url: 'ftp://example.com/x' }],
    ['url', { url: 'http://{{input.host}}/x' }],
    ['kind', { kind: 'module' }],
    ['name', { name: 'has space' }],
    ['name', { name: 7 }],
    ['app', { app: 'users' }],
    ['app', { app: 'commands' }],
    ['roles', { roles: ['ok', 'has space'] }],
    ['input', { input: { type: 'no-such-type' } }],
    ['input', { input: 'not a schema' }],
    ['headers', { headers: { 'x-key': 5 } }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['scope', { scope: ['sales'] }],
    ['internalNetworks', { internalNetworks: ['not-a-range'] }],
    ['maxResponseBytes', { maxResponseBytes: -1 }],
    // Only the variables of GATEHOUSE_COMMAND_ENV, and no networks beyond GATEHOUSE_COMMAND_INTERNAL_NETWORKS.
    ['headers.x-api-key', { headers: { 'x-api-key': '{{env.GATEHOUSE_SECRET}}' } }],
    ['url', { url: '{{env.DATABASE_URL}}/x' }],
    ['internalNetworks', { internalNetworks: ['169.254.0.0/16'] }],
    ['body', { body: JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown }],
  ])('answers 400 naming the field %s, and stores nothing', async (field, extra) => {
    const response = await server.admin('POST', '/commands', spec({ name: 'bad', ...extra }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorJson;
    expect(body).toMatchObject({ error: 'invalid_request', field });
    expect(body.error_description.length).toBeGreaterThan(0);
    expect((await listed()).filter((command) => command.source === 'console')).toEqual([]);
  });

  it('answers 400 listing every invalid field of one command at once, and stores nothing', async () => {
    const response = await server.admin('POST', '/commands', spec({ name: 'has space', method: 'NOT A METHOD', url: 'ftp://example.com/x', timeoutMs: 0, relayHeaders: ['Set-Cookie'] }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorJson;
    expect(body.error).toBe('invalid_request');
    const described = Object.fromEntries((body.fields ?? []).map((problem) => [problem.field, problem.description]));
    expect(Object.keys(described).sort()).toEqual(['method', 'name', 'relayHeaders', 'timeoutMs', 'url']);
    expect(described).toMatchObject({
      name: expect.stringMatching(/^must be 1-64 letters/) as unknown,
      method: 'must be an HTTP method name',
      url: expect.stringMatching(/^must be an http\(s\) URL template/) as unknown,
      timeoutMs: 'must be a positive integer',
      // The value as sent, in single quotes (no JSON escapes).
      relayHeaders: "may not list 'Set-Cookie': Gatehouse never relays it",
    });
    expect(body.field).toBe(body.fields?.[0]?.field);
    for (const field of Object.keys(described)) expect(body.error_description).toContain(`${field}: `);
    expect((await listed()).filter((command) => command.source === 'console')).toEqual([]);
  });

  it('lists a renamed command and its other invalid fields together when replacing one, and keeps it as it was', async () => {
    expect((await server.admin('POST', '/commands', spec({ name: 'kept' }))).status).toBe(201);
    const response = await server.admin('PUT', '/commands/sales/kept', spec({ name: 'renamed', url: 'ftp://example.com/x', input: { type: 'no-such-type' } }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorJson;
    expect((body.fields ?? []).map((problem) => problem.field).sort()).toEqual(['input', 'name', 'url']);
    expect(body.fields?.find((problem) => problem.field === 'name')?.description).toBe("must be 'kept', as in the path (a command cannot be renamed; create a new one)");
    expect((await listed()).find((command) => command.name === 'kept')?.spec?.url).toBe(`${upstreamUrl}/customers/{{input.id}}`);
    expect((await server.admin('DELETE', '/commands/sales/kept')).status).toBe(204);
  });

  it('answers 400 for a body that is no command, and when the body names another command than the path', async () => {
    const array = await server.admin('POST', '/commands', [spec()]);
    expect(array.status).toBe(400);
    expect(((await array.json()) as ErrorJson).field).toBe('kind');
    expect((await server.admin('POST', '/commands', spec({ name: 'moving' }))).status).toBe(201);
    const moved = await server.admin('PUT', '/commands/sales/moving', spec({ name: 'elsewhere' }));
    expect(moved.status).toBe(400);
    expect(((await moved.json()) as ErrorJson).field).toBe('name');
    const otherApp = await server.admin('PUT', '/commands/sales/moving', spec({ app: 'crm', name: 'moving' }));
    expect(otherApp.status).toBe(400);
    expect(((await otherApp.json()) as ErrorJson).field).toBe('app');
    expect((await server.admin('DELETE', '/commands/sales/moving')).status).toBe(204);
  });

  it('reaches another instance on the same database, and the stored commands load at its start', async () => {
    const other = await startTestServer({
      store,
      dataDir: server.dataDir,
      ...(server.databaseUrl ? { database: { url: server.databaseUrl, name: 'shared', drop: async () => undefined } } : {}),
      config: { commandsDir, commandInternalNetworks: ['127.0.0.1/32'], commandEnv: ['GATEHOUSE_TEST_STORED_*'] },
    });
    try {
      // One issuer for both, as instances of one deployment have (the test server takes its URL after start).
      other.config.issuer = server.config.issuer;
      const started = Date.now();
      expect((await server.admin('POST', '/commands', spec({ name: 'shared' }))).status).toBe(201);
      await eventually(async () => (await run('sales', 'shared', { id: 'x' }, other.url)).status === 200, 'the other instance serves the new command');
      const created = Date.now() - started;
      expect((await server.admin('PUT', '/commands/sales/shared', spec({ name: 'shared', url: `${upstreamUrl}/changed/{{input.id}}` }))).status).toBe(200);
      await eventually(
        async () => JSON.stringify(await (await run('sales', 'shared', { id: 'y' }, other.url)).json()) === JSON.stringify({ path: '/changed/y' }),
        'the other instance serves the change',
      );
      expect((await server.admin('DELETE', '/commands/sales/shared')).status).toBe(204);
      await eventually(async () => (await run('sales', 'shared', { id: 'z' }, other.url)).status === 404, 'the other instance forgets the deleted command');
      console.log(`${store}: a command created on one instance was served by the other after ${created} ms`);

      // A command stored before an instance starts is served by it from the start.
      expect((await server.admin('POST', '/commands', spec({ name: 'early' }))).status).toBe(201);
      const third = await startTestServer({
        store,
        dataDir: server.dataDir,
        ...(server.databaseUrl ? { database: { url: server.databaseUrl, name: 'shared', drop: async () => undefined } } : {}),
        config: { commandsDir, commandInternalNetworks: ['127.0.0.1/32'], commandEnv: ['GATEHOUSE_TEST_STORED_*'] },
      });
      try {
        third.config.issuer = server.config.issuer;
        expect((await listed(third)).find((command) => command.name === 'early')).toMatchObject({ source: 'console' });
        expect((await run('sales', 'early', { id: 'e' }, third.url)).status).toBe(200);
      } finally {
        await third.close();
      }
      expect((await server.admin('DELETE', '/commands/sales/early')).status).toBe(204);
    } finally {
      await other.close();
    }
  });
});
