import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from '../helpers/audit.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const ENDPOINTS = [
  { path: '/oauth/introspect', action: 'introspection.refused' },
  { path: '/oauth/revoke', action: 'revocation.refused' },
] as const;

/**
 * Introspection and revocation count every request against its source address (429 with Retry-After and
 * the RFC 6749 error body beyond the limit), and record failed client authentications and refusals in
 * the audit log, sampled per address.
 */
describe.each(STORES)('introspection and revocation limits on %s', (store) => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };
  beforeAll(async () => {
    server = await startTestServer({ store, config: { introspectionRateLimitPerAddress: 4, revocationRateLimitPerAddress: 4 } });
    client = await server.createClient({ scope: 'read' });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(ENDPOINTS)('$path: a per-address limit, and failed client authentication audited once per address and minute', async ({ path, action }) => {
    const rowsBefore = (await auditPage(server, { action })).total;
    const statuses: number[] = [];
    // One authenticated request, then wrong secrets (a client secret guessed at this endpoint).
    const first = await postForm(`${server.url}${path}`, { token: 'opaque-token' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    statuses.push(first.status);
    for (let i = 0; i < 9; i++) {
      const response = await postForm(`${server.url}${path}`, { token: 'opaque-token' }, { authorization: basicAuth(client.client_id, `guess-${i}`) });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await response.json()).toMatchObject({ error: 'too_many_requests' });
      }
    }
    expect(statuses).toEqual([200, 401, 401, 401, 429, 429, 429, 429, 429, 429]);

    const { events, total } = await auditPage(server, { action });
    // One failed authentication and one rate-limit refusal: the first of each kind from this address.
    expect(total - rowsBefore).toBe(2);
    expect(events.find((event) => event.status === 401)).toMatchObject({ actor: 'client', outcome: 'failure', client_id: client.client_id, source_address: '127.0.0.1' });
    expect(events.find((event) => event.status === 401)?.reason).toMatch(/^invalid_client/);
    expect(events.find((event) => event.status === 429)?.reason).toMatch(/^too_many_requests/);
    expect(JSON.stringify(events)).not.toContain('guess-');
  });
});

describe('introspection and revocation limits set to 0', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { introspectionRateLimitPerAddress: 0, revocationRateLimitPerAddress: 0 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(ENDPOINTS)('$path: 0 turns the limit off', async ({ path }) => {
    for (let i = 0; i < 30; i++) {
      const response = await postForm(`${server.url}${path}`, { token: 'opaque-token' }, { authorization: basicAuth('nobody', 'nothing') });
      expect(response.status).toBe(401);
    }
  });
});
