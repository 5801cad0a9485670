import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** Behind a trusted load balancer the client address comes from X-Forwarded-For; otherwise the header is ignored. */
describe.each(STORES)('GATEHOUSE_TRUST_PROXY on %s', (store) => {
  const servers: TestServer[] = [];
  const limits = { passwordRateLimitPerAddress: 2, passwordRateLimitPerClient: 1000 };
  let trusting: TestServer;
  let untrusting: TestServer;
  beforeAll(async () => {
    trusting = await startTestServer({ store, config: { ...limits, trustProxy: ['127.0.0.1/32'] } });
    untrusting = await startTestServer({ store, config: limits });
    servers.push(trusting, untrusting);
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  const passwordGrant = (server: TestServer, client: { client_id: string; client_secret: string }, forwardedFor: string) =>
    postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'password', username: 'nobody', password: 'wrong password' },
      { authorization: basicAuth(client.client_id, client.client_secret), 'x-forwarded-for': forwardedFor },
    );

  it('counts per forwarded address when the proxy is trusted', async () => {
    const client = await trusting.createClient({ grant_types: ['password'] });
    expect((await passwordGrant(trusting, client, '203.0.113.1')).status).toBe(400);
    expect((await passwordGrant(trusting, client, '203.0.113.1')).status).toBe(400);
    expect((await passwordGrant(trusting, client, '203.0.113.1')).status).toBe(429);
    expect((await passwordGrant(trusting, client, '203.0.113.2')).status).toBe(400);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const client = await untrusting.createClient({ grant_types: ['password'] });
    expect((await passwordGrant(untrusting, client, '203.0.113.1')).status).toBe(400);
    expect((await passwordGrant(untrusting, client, '203.0.113.2')).status).toBe(400);
    expect((await passwordGrant(untrusting, client, '203.0.113.3')).status).toBe(429);
  });
});
