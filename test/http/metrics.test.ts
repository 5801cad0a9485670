import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, scrapeMetrics, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** The value of the sample `name` whose labels are exactly `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = (match[2] ?? '').match(/[a-zA-Z_]+="(?:[^"\\]|\\.)*"/g) ?? [];
    if (found.sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}

describe.each(STORES)('GET /metrics on %s', (store) => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };
  const scrape = async () => {
    const response = await scrapeMetrics(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  beforeAll(async () => {
    server = await startTestServer({ store });
    client = await server.createClient({ scope: 'read' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts requests by route template and status, tokens by grant and client, refusals by error code', async () => {
    const before = await scrape();
    const ok = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(ok.status).toBe(200);
    const { access_token: token } = (await ok.json()) as { access_token: string };
    const refused = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, 'wrong-secret') });
    expect(refused.status).toBe(401);
    for (let i = 0; i < 2; i++) {
      const introspection = await postForm(`${server.url}/oauth/introspect`, { token }, { authorization: basicAuth(client.client_id, client.client_secret) });
      expect(introspection.status).toBe(200);
    }
    expect((await server.admin('GET', `/clients/${client.client_id}`)).status).toBe(200);
    expect((await fetch(`${server.url}/no/such/path/12345`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/users`)).status).toBe(401);
    const after = await scrape();

    const moved = (name: string, labels: Record<string, string>) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(moved('gatehouse_http_requests_total', { method: 'POST', route: '/oauth/token', status: '200' })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { method: 'POST', route: '/oauth/token', status: '401' })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { method: 'POST', route: '/oauth/introspect', status: '200' })).toBe(2);
    expect(moved('gatehouse_http_requests_total', { method: 'GET', route: '/admin/api/clients/:id', status: '200' })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(after).not.toContain('12345');
    expect(moved('gatehouse_http_request_duration_seconds_count', { method: 'POST', route: '/oauth/token' })).toBe(2);
    expect(moved('gatehouse_http_request_duration_seconds_bucket', { method: 'POST', route: '/oauth/token', le: '+Inf' })).toBe(2);

    expect(moved('gatehouse_tokens_issued_total', { grant_type: 'client_credentials', client_id: client.client_id })).toBe(1);
    expect(moved('gatehouse_refusals_total', { error: 'invalid_client', route: '/oauth/token' })).toBe(1);
    expect(moved('gatehouse_refusals_total', { error: 'unauthorized', route: '/api/users' })).toBe(1);

    // The second introspection of the same token skips the signature check.
    expect(moved('gatehouse_cache_lookups_total', { cache: 'verified_tokens', result: 'miss' })).toBe(1);
    expect(moved('gatehouse_cache_lookups_total', { cache: 'verified_tokens', result: 'hit' })).toBe(1);
    expect(moved('gatehouse_cache_lookups_total', { cache: 'clients', result: 'hit' })).toBeGreaterThanOrEqual(4);
    expect(moved('gatehouse_cache_lookups_total', { cache: 'revocations', result: 'miss' })).toBe(2);
    expect(moved('gatehouse_cache_lookups_total', { cache: 'signing_keys', result: 'hit' })).toBeGreaterThanOrEqual(2);

    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    if (store === 'postgres') {
      expect(sample(after, 'gatehouse_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
      expect(sample(after, 'gatehouse_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
      expect(sample(after, 'gatehouse_db_pool_waiting')).toBe(0);
    } else {
      expect(sample(after, 'gatehouse_db_pool_connections', { state: 'total' })).toBeUndefined();
    }
  });
});

describe('GET /metrics protection', () => {
  it('requires GATEHOUSE_METRICS_TOKEN when it is set', async () => {
    const metricsToken = 'metrics-token-0123456789abcdef';
    const server = await startTestServer({ store: 'sqlite', config: { metricsToken } });
    try {
      const anonymous = await fetch(`${server.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toBe('unauthorized');
      const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789abcdeX' } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: string }).error).toBe('invalid_token');
      const right = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('gatehouse_http_requests_total');
    } finally {
      await server.close();
    }
  });

  it('has no /metrics route when GATEHOUSE_METRICS is off', async () => {
    const server = await startTestServer({ store: 'sqlite', config: { metrics: false } });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
