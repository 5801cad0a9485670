import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface TokenBody {
  access_token: string;
  expires_in: number;
}

describe.each(STORES)('client token lifetimes and the server maximum on %s', (store) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { maxTokenLifetime: 36_000 } });
  });
  afterAll(async () => {
    await server.close();
  });

  async function expectLifetimeError(response: Response): Promise<string> {
    const body = (await response.json()) as { field?: string; error_description?: string; message?: string };
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(JSON.stringify(body)).toContain('access_token_lifetime');
    return JSON.stringify(body);
  }

  it('refuses a lifetime above the server maximum with a field error naming the maximum, on create and update', async () => {
    expect(await expectLifetimeError(await server.admin('POST', '/clients', { access_token_lifetime: 36_001 }))).toContain('36000');
    const client = await server.createClient({ access_token_lifetime: 36_000 });
    expect(await expectLifetimeError(await server.admin('PATCH', `/clients/${client.client_id}`, { access_token_lifetime: 200_000 }))).toContain('36000');
    const body = (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as TokenBody;
    expect(body.expires_in).toBe(36_000);
  });

  it('caps a client saved before the maximum was lowered, warns once at start, and still lets it be edited', async () => {
    const client = await server.createClient({ access_token_lifetime: 20_000 });
    const lines: string[] = [];
    const lowered = await startTestServer({
      store,
      dataDir: server.dataDir,
      ...(server.databaseUrl ? { database: { url: server.databaseUrl, name: '', drop: async () => undefined } } : {}),
      config: { maxTokenLifetime: 600, logLevel: 'warn' },
      logDestination: { write: (line) => void lines.push(line) },
    });
    try {
      const warning = lines.map((line) => JSON.parse(line) as { msg: string; clients?: string[] }).find((line) => line.msg.includes("above the server's maximum"));
      expect(warning?.clients).toContain(client.client_id);
      const body = (await (
        await postForm(`${lowered.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })
      ).json()) as TokenBody;
      expect(body.expires_in).toBe(600);
      // Other fields can still be changed; a new lifetime must fit.
      expect((await lowered.admin('PATCH', `/clients/${client.client_id}`, { client_name: 'renamed' })).status).toBe(200);
      await expectLifetimeError(await lowered.admin('PATCH', `/clients/${client.client_id}`, { access_token_lifetime: 601 }));
      // A new client without a lifetime of its own is saved with the maximum when the default is above it.
      const fresh = await lowered.createClient();
      expect(fresh.access_token_lifetime).toBe(600);
    } finally {
      await lowered.close();
    }
  });
});

describe.each(STORES)('a client default scope on %s', (store) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  async function tokenScope(client: { client_id: string; client_secret: string }, params: Record<string, string> = {}): Promise<string | undefined> {
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', ...params }, { authorization: basicAuth(client.client_id, client.client_secret) });
    const body = (await response.json()) as TokenBody & { scope?: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    const claims = decodeJwt(body.access_token);
    return typeof claims.scope === 'string' && claims.scope !== '' ? claims.scope : undefined;
  }

  it('gives a request without a scope the default scope: every allowed element, the configured one, or none', async () => {
    const client = await server.createClient({ scope: 'read write' });
    expect(client.default_scope).toBeNull();
    expect(await tokenScope(client)).toBe('read write');

    const narrowed = (await (await server.admin('PATCH', `/clients/${client.client_id}`, { default_scope: 'read' })).json()) as { default_scope: string | null };
    expect(narrowed.default_scope).toBe('read');
    await expect.poll(() => tokenScope(client)).toBe('read');

    expect((await server.admin('PATCH', `/clients/${client.client_id}`, { default_scope: '' })).status).toBe(200);
    await expect.poll(() => tokenScope(client)).toBeUndefined();
    // An explicit scope is still granted as before.
    expect(await tokenScope(client, { scope: 'write' })).toBe('write');

    expect((await server.admin('PATCH', `/clients/${client.client_id}`, { default_scope: null })).status).toBe(200);
    await expect.poll(() => tokenScope(client)).toBe('read write');
  });

  it('refuses a token request when the default scope names an element the client may not have', async () => {
    const client = await server.createClient({ scope: 'read', default_scope: 'admin' });
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_scope');
    expect((await server.admin('POST', '/clients', { default_scope: 42 })).status).toBe(400);
  });
});
