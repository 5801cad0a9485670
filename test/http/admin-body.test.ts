import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

describe.each(STORES)('admin API request bodies on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  const call = (method: string, path: string, body?: string) =>
    fetch(`${server.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body,
    });

  it('accepts a bodiless DELETE and secret rotation sent with Content-Type: application/json', async () => {
    const client = await server.createClient();
    const rotated = await call('POST', `/clients/${client.client_id}/secret`);
    expect(rotated.status).toBe(200);
    expect(((await rotated.json()) as { client_secret: string }).client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await call('DELETE', `/clients/${client.client_id}`)).status).toBe(204);
  });

  it('answers invalid JSON with a 400 JSON error', async () => {
    const response = await call('POST', '/clients', '{"client_name": ');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('refuses prototype-poisoning JSON (__proto__, constructor.prototype) with 400, at the admin API and the user API', async () => {
    const userToken = await (async () => {
      const client = await server.createClient({ scope: 'users', grant_types: ['client_credentials'] });
      const token = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials&scope=users',
      });
      return ((await token.json()) as { access_token: string }).access_token;
    })();
    const poisoned = [
      '{"client_name": "poisoned", "__proto__": {"enabled": false}}',
      '{"client_name": "poisoned", "nested": {"__proto__": {"x": 1}}}',
      '{"client_name": "poisoned", "constructor": {"prototype": {"x": 1}}}',
      '{"client_name": "poisoned", "\\u005f_proto__": {"x": 1}}',
    ];
    for (const body of poisoned) {
      for (const [path, authorization] of [
        ['/admin/api/clients', `Bearer ${ADMIN_TOKEN}`],
        ['/api/users', `Bearer ${userToken}`],
      ] as const) {
        const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body });
        const answer = (await response.json()) as { error: string; error_description: string };
        expect(response.status, `${path} ${body}: ${JSON.stringify(answer)}`).toBe(400);
        expect(answer.error).toBe('invalid_request');
        expect(answer.error_description).toMatch(/prototype/);
        expect(answer.error_description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
      }
    }
    const list = (await (await call('GET', '/clients?search=poisoned')).json()) as { total: number };
    expect(list.total).toBe(0);
  });

  it('searches ids and names literally, also for LIKE wildcards', async () => {
    await server.createClient({ client_id: 'percent%client', client_name: 'Percent' });
    await server.createClient({ client_id: 'plainclient', client_name: 'Plain' });
    const response = await call('GET', `/clients?search=${encodeURIComponent('%')}`);
    const body = (await response.json()) as { clients: { client_id: string }[]; total: number };
    expect(body.clients.map((client) => client.client_id)).toEqual(['percent%client']);
    expect(body.total).toBe(1);
  });
});
