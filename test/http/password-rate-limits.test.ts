import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** A password grant for an unknown user (400 invalid_grant unless a limit refuses it first), with HTTP Basic client authentication. */
function wrongPasswordGrant(url: string, clientId: string, secret: string): Promise<Response> {
  return postForm(`${url}/oauth/token`, { grant_type: 'password', username: 'nobody', password: 'wrong password' }, { authorization: basicAuth(clientId, secret) });
}

/** Both limits apply to the password grant: per source address and per client. */
describe.each(STORES)('password-grant rate limits on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { passwordRateLimitPerClient: 3, passwordRateLimitPerAddress: 5 } });
  });
  afterAll(async () => {
    await server.close();
  });

  const passwordGrant = (clientId: string, secret: string) => wrongPasswordGrant(server.url, clientId, secret);

  it('limits one client, then the address, and never client_credentials', async () => {
    const first = await server.createClient({ grant_types: ['password', 'client_credentials'] });
    const second = await server.createClient({ grant_types: ['password'] });
    for (let i = 0; i < 3; i++) expect((await passwordGrant(first.client_id, first.client_secret)).status).toBe(400);
    const limited = await passwordGrant(first.client_id, first.client_secret);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: string }).error).toBe('too_many_requests');

    // Another client from the same address has its own per-client budget but shares the address's (5).
    expect((await passwordGrant(second.client_id, second.client_secret)).status).toBe(400);
    expect((await passwordGrant(second.client_id, second.client_secret)).status).toBe(429);

    for (let i = 0; i < 10; i++) {
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(first.client_id, first.client_secret) });
      expect(response.status).toBe(200);
    }
  });
});

/** Clients authenticating with private_key_jwt need not send client_id: the assertion names them. */
describe('password-grant rate limits for clients named only by their assertion', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { passwordRateLimitPerClient: 2, passwordRateLimitPerAddress: 100 } });
  });
  afterAll(async () => {
    await server.close();
  });

  const withAssertionOf = (clientId: string) =>
    postForm(`${server.url}/oauth/token`, {
      grant_type: 'password',
      username: 'nobody',
      password: 'wrong password',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: new UnsecuredJWT({}).setIssuer(clientId).setSubject(clientId).encode(),
    });

  it('gives each asserted client its own budget', async () => {
    for (let i = 0; i < 2; i++) expect((await withAssertionOf('client-a')).status).toBe(401);
    expect((await withAssertionOf('client-a')).status).toBe(429);
    expect((await withAssertionOf('client-b')).status).toBe(401);
  });
});

/** 0 turns a password limit off; the other one still counts. */
describe('password-grant rate limits set to 0', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { passwordRateLimitPerClient: 0, passwordRateLimitPerAddress: 4 } });
  });
  afterAll(async () => {
    await server.close();
  });

  const passwordGrant = (clientId: string, secret: string) => wrongPasswordGrant(server.url, clientId, secret);

  it('counts no client when the per-client limit is 0, and still the address', async () => {
    const client = await server.createClient({ grant_types: ['password'] });
    for (let i = 0; i < 4; i++) expect((await passwordGrant(client.client_id, client.client_secret)).status).toBe(400);
    expect((await passwordGrant(client.client_id, client.client_secret)).status).toBe(429);
  });

  it('counts nothing when both are 0', async () => {
    const unlimited = await startTestServer({ store: 'sqlite', config: { passwordRateLimitPerClient: 0, passwordRateLimitPerAddress: 0 } });
    try {
      const client = await unlimited.createClient({ grant_types: ['password'] });
      for (let i = 0; i < 30; i++) {
        expect((await wrongPasswordGrant(unlimited.url, client.client_id, client.client_secret)).status).toBe(400);
      }
    } finally {
      await unlimited.close();
    }
  });
});
