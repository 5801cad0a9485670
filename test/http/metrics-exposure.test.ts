import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';
import { CLIENT_ASSERTION_TYPE, clientAssertion } from '../helpers/client-assertion.js';

const METRICS_TOKEN = 'metrics-token-for-exposure-tests';

/** Without GATEHOUSE_METRICS_TOKEN or GATEHOUSE_METRICS_LISTEN, /metrics tells an anonymous caller nothing. */
describe.each(STORES)('GET /metrics by default on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { metricsToken: undefined } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses an anonymous caller with 401 and no metrics', async () => {
    const client = await server.createClient({ client_id: 'named-partner' });
    expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).status).toBe(200);
    const response = await fetch(`${server.url}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse-metrics"/);
    expect(JSON.parse(text)).toMatchObject({ error: 'unauthorized' });
    expect(text).not.toContain('named-partner');
    expect(text).not.toContain('gatehouse_');
  });
});

/** GATEHOUSE_METRICS_LISTEN serves /metrics on an address of its own, and only there. */
describe('GET /metrics on a separate listen address', () => {
  let server: TestServer;
  let metricsUrl: string;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      store: 'sqlite',
      config: { metricsToken: undefined, metricsListen: { host: '127.0.0.1', port: 0 }, logLevel: 'info' },
      logDestination: { write: (line) => void lines.push(line) },
    });
    const listening = lines.map((line) => JSON.parse(line) as { msg?: string; url?: string }).find((line) => line.msg === 'metrics listening');
    metricsUrl = listening?.url ?? '';
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers there without a token, and not on the main address', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsUrl).not.toBe(server.url);
    const scraped = await fetch(`${metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('gatehouse_http_requests_total');
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/oauth/jwks`)).status).toBe(404);
  });
});

/**
 * Per-client labels only for clients an administrator created: every app instance registered through
 * RFC 7591 counts under client_id="registered", so registrations cannot grow the label set without bound.
 */
describe.each(STORES)('metrics labels of registered app instances on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { metricsToken: METRICS_TOKEN } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts instances under "registered" and administrators\' clients under their id', async () => {
    expect((await server.admin('PUT', '/profiles/instances', { registration_enabled: true, scope_element_mapping: { device: [] } })).status).toBe(201);
    const { token: initialToken } = (await (await server.admin('POST', '/profiles/instances/initial-access-tokens', {})).json()) as { token: string };
    const instanceIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const pair = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
      const registered = await fetch(`${server.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${initialToken}` },
        body: JSON.stringify({ jwks: { keys: [jwk] } }),
      });
      expect(registered.status).toBe(201);
      const { client_id: clientId } = (await registered.json()) as { client_id: string };
      instanceIds.push(clientId);
      const assertion = await clientAssertion(server.url, clientId, pair.privateKey, { alg: 'ES256', kid: 'k1' });
      const token = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'device', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion });
      expect(token.status).toBe(200);
    }
    const partner = await server.createClient({ client_id: 'admin-made' });
    expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(partner.client_id, partner.client_secret) })).status).toBe(200);

    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toMatch(/^gatehouse_tokens_issued_total\{grant_type="client_credentials",client_id="registered"\} 3$/m);
    expect(text).toMatch(/^gatehouse_tokens_issued_total\{grant_type="client_credentials",client_id="admin-made"\} 1$/m);
    for (const id of instanceIds) expect(text).not.toContain(id);
  });
});
