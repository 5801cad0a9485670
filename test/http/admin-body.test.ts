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

  it('searches ids and names literally, also for LIKE wildcards', async () => {
    await server.createClient({ client_id: 'percent%client', client_name: 'Percent' });
    await server.createClient({ client_id: 'plainclient', client_name: 'Plain' });
    const response = await call('GET', `/clients?search=${encodeURIComponent('%')}`);
    const body = (await response.json()) as { clients: { client_id: string }[]; total: number };
    expect(body.clients.map((client) => client.client_id)).toEqual(['percent%client']);
    expect(body.total).toBe(1);
  });
});
