import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** The hot paths answer from memory: no statement reaches the database once the caches are loaded. */
describe.each(STORES)('hot paths without database round trips on %s', (store) => {
  let server: TestServer;
  let authorization: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const client = await server.createClient();
    authorization = basicAuth(client.client_id, client.client_secret);
    // Stop the change feed's timer so that only request-driven statements would be counted.
    server.gatehouse.changes.stop();
    // ...and let a read the timer had already started finish before anything is counted.
    await server.gatehouse.changes.pollNow();
  });
  afterAll(async () => {
    await server.close();
  });

  it('client_credentials, introspection and the JWKS run no statement', async () => {
    const before = server.gatehouse.store.queryCount();
    let token = '';
    for (let i = 0; i < 20; i++) {
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization });
      expect(response.status).toBe(200);
      token = ((await response.json()) as { access_token: string }).access_token;
    }
    const introspection = await postForm(`${server.url}/oauth/introspect`, { token }, { authorization });
    expect(((await introspection.json()) as { active: boolean }).active).toBe(true);
    expect((await fetch(`${server.url}/oauth/jwks`)).status).toBe(200);
    expect(server.gatehouse.store.queryCount()).toBe(before);
  });

  it('a refused token request writes its audit event, and nothing else', async () => {
    const before = server.gatehouse.store.queryCount();
    expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('nobody', 'wrong') })).status).toBe(401);
    expect(server.gatehouse.store.queryCount()).toBe(before + 1);
    const events = (await (await server.admin('GET', '/audit?outcome=failure&client_id=nobody')).json()) as { events: unknown[] };
    expect(events.events).toHaveLength(1);
  });

  it('counts statements at all (the check above is not vacuous)', async () => {
    const before = server.gatehouse.store.queryCount();
    const response = await server.admin('GET', '/clients');
    expect(response.status).toBe(200);
    expect(server.gatehouse.store.queryCount()).toBeGreaterThan(before);
  });
});
