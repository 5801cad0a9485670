import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface ClientJson {
  client_id: string;
  client_secret?: string;
  client_name: string;
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
  access_token_lifetime: number;
  refresh_tokens: boolean;
  enabled: boolean;
  expires_at: string | null;
  allowed_origins: string[];
  [field: string]: unknown;
}
interface ErrorJson {
  error: string;
  error_description: string;
  field?: string;
}

describe.each(STORES)('admin API: clients on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  async function expectFieldError(response: Response, field: string): Promise<void> {
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorJson;
    expect(body.field).toBe(field);
    expect(body.error_description).toContain(field);
  }

  it('refuses requests without the admin token or with a wrong one', async () => {
    const none = await fetch(`${server.url}/admin/api/clients`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as ErrorJson).error).toBeDefined();
    const wrong = await fetch(`${server.url}/admin/api/clients`, { headers: { authorization: 'Bearer not-the-admin-token' } });
    expect(wrong.status).toBe(401);
  });

  it('creates a client with defaults and a 256-bit secret shown once', async () => {
    const response = await server.admin('POST', '/clients', { client_name: 'Partner' });
    expect(response.status).toBe(201);
    const created = (await response.json()) as ClientJson;
    expect(created.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      client_name: 'Partner',
      grant_types: ['client_credentials'],
      scope: '',
      token_endpoint_auth_method: 'client_secret_basic',
      access_token_lifetime: 7200,
      refresh_tokens: false,
      enabled: true,
      expires_at: null,
      allowed_origins: [],
    });
    const shown = (await (await server.admin('GET', `/clients/${created.client_id}`)).json()) as ClientJson;
    expect(shown.client_id).toBe(created.client_id);
    expect(shown).not.toHaveProperty('client_secret');
    const list = (await (await server.admin('GET', '/clients')).json()) as { clients: ClientJson[]; total: number };
    expect(list.clients.map((client) => client.client_id)).toContain(created.client_id);
    const text = JSON.stringify(list);
    expect(text).not.toContain(created.client_secret);
    expect(text).not.toMatch(/digest/);
  });

  it('takes every field, an administrator-set secret and comma-separated scopes', async () => {
    const response = await server.admin('POST', '/clients', {
      client_id: 'crm-sync',
      client_name: 'CRM sync',
      client_secret: 'an-admin-chosen-secret-123',
      grant_types: ['client_credentials', 'password'],
      scope: 'crm:read,crm:write',
      token_endpoint_auth_method: 'client_secret_post',
      access_token_lifetime: 0,
      refresh_tokens: true,
      enabled: false,
      expires_at: '2031-05-01',
      allowed_origins: ['https://portal.example.com'],
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as ClientJson;
    expect(created.client_secret).toBe('an-admin-chosen-secret-123');
    expect(created.scope).toBe('crm:read crm:write offline_access');
    expect(created.expires_at).toBe('2031-05-01T00:00:00.000Z');
    expect(created.access_token_lifetime).toBe(0);
    expect((await server.admin('POST', '/clients', { client_id: 'crm-sync' })).status).toBe(409);
  });

  it('names the field of every validation error', async () => {
    for (const lifetime of [-1, 100_000_000, 1.5, 'abc', null]) {
      await expectFieldError(await server.admin('POST', '/clients', { access_token_lifetime: lifetime }), 'access_token_lifetime');
    }
    await expectFieldError(await server.admin('POST', '/clients', { client_secret: 'too-short' }), 'client_secret');
    await expectFieldError(await server.admin('POST', '/clients', { grant_types: ['implicit'] }), 'grant_types');
    await expectFieldError(await server.admin('POST', '/clients', { grant_types: [] }), 'grant_types');
    await expectFieldError(await server.admin('POST', '/clients', { scope: 'bad"scope' }), 'scope');
    await expectFieldError(await server.admin('POST', '/clients', { token_endpoint_auth_method: 'client_secret_jwt' }), 'token_endpoint_auth_method');
    await expectFieldError(await server.admin('POST', '/clients', { refresh_tokens: true }), 'refresh_tokens');
    await expectFieldError(await server.admin('POST', '/clients', { expires_at: 'next tuesday' }), 'expires_at');
    await expectFieldError(await server.admin('POST', '/clients', { allowed_origins: ['https://x.example/path'] }), 'allowed_origins');
    await expectFieldError(await server.admin('POST', '/clients', { enabled: 'yes' }), 'enabled');
    await expectFieldError(await server.admin('POST', '/clients', { colour: 'blue' }), 'colour');
    await expectFieldError(await server.admin('POST', '/clients', { jwks: { keys: [{ kty: 'EC', d: 'private' }] } }), 'jwks');
    const notJson = await fetch(`${server.url}/admin/api/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${'test-admin-token-0123456789abcdef'}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
  });

  it('updates, toggles refresh tokens, refuses immutable fields, and deletes', async () => {
    const created = (await (await server.admin('POST', '/clients', { client_name: 'Mutable', grant_types: ['password'], scope: 'a' })).json()) as ClientJson;
    const path = `/clients/${created.client_id}`;
    const on = (await (await server.admin('PATCH', path, { refresh_tokens: true, access_token_lifetime: 60 })).json()) as ClientJson;
    expect(on.scope).toBe('a offline_access');
    expect(on.access_token_lifetime).toBe(60);
    const off = (await (await server.admin('PATCH', path, { refresh_tokens: false })).json()) as ClientJson;
    expect(off.scope).toBe('a');
    await expectFieldError(await server.admin('PATCH', path, { client_id: 'renamed' }), 'client_id');
    await expectFieldError(await server.admin('PATCH', path, { client_secret: 'a-new-secret-of-enough-length' }), 'client_secret');
    expect((await server.admin('PATCH', '/clients/no-such-client', { enabled: false })).status).toBe(404);
    expect((await server.admin('DELETE', path)).status).toBe(204);
    expect((await server.admin('GET', path)).status).toBe(404);
    expect((await server.admin('DELETE', path)).status).toBe(404);
  });

  it('rotates secrets with a grace period', async () => {
    const created = (await (await server.admin('POST', '/clients', {})).json()) as ClientJson;
    const response = await server.admin('POST', `/clients/${created.client_id}/secret`, { grace_period: 600 });
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as ClientJson & { previous_secret_expires_at: string };
    expect(rotated.client_secret).not.toBe(created.client_secret);
    expect(Date.parse(rotated.previous_secret_expires_at) - Date.now()).toBeGreaterThan(590_000);
    await expectFieldError(await server.admin('POST', `/clients/${created.client_id}/secret`, { grace_period: -5 }), 'grace_period');
    expect((await server.admin('POST', '/clients/no-such-client/secret', {})).status).toBe(404);
  });

  it('searches and pages', async () => {
    for (const name of ['Paging One', 'Paging Two', 'Paging Three']) await server.admin('POST', '/clients', { client_name: name });
    const page = (await (await server.admin('GET', '/clients?search=paging&limit=2&offset=0')).json()) as { clients: ClientJson[]; total: number };
    expect(page.total).toBe(3);
    expect(page.clients).toHaveLength(2);
    const rest = (await (await server.admin('GET', '/clients?search=PAGING&limit=2&offset=2')).json()) as { clients: ClientJson[] };
    expect(rest.clients).toHaveLength(1);
    await expectFieldError(await server.admin('GET', '/clients?limit=0'), 'limit');
  });
});
