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

/**
 * The per-client budget is the authenticated client's, under its decoded client_id: a request that merely
 * names a client (a forged assertion) spends none of it, and spelling the id differently gives no fresh one.
 */
describe('password-grant rate limits count the authenticated client', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { passwordRateLimitPerClient: 3, passwordRateLimitPerAddress: 100 } });
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

  it('spends nothing of a client named by a forged assertion, and one budget however the id is encoded', async () => {
    const client = await server.createClient({ grant_types: ['password'] });
    for (let i = 0; i < 5; i++) expect((await withAssertionOf(client.client_id)).status).toBe(401);
    const percentEncoded = (id: string) => `%${id.charCodeAt(0).toString(16)}${id.slice(1)}`;
    const basic = (id: string) => `Basic ${Buffer.from(`${id}:${client.client_secret}`).toString('base64')}`;
    const grant = (id: string, username: string) => postForm(`${server.url}/oauth/token`, { grant_type: 'password', username, password: 'wrong' }, { authorization: basic(id) });
    const statuses: number[] = [];
    for (const [index, id] of [client.client_id, percentEncoded(client.client_id), client.client_id, percentEncoded(client.client_id)].entries()) {
      statuses.push((await grant(id, `someone-${index}`)).status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
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
      // Distinct usernames: the per-user limit (the lockout threshold) still applies to each.
      for (let i = 0; i < 30; i++) {
        const response = await postForm(
          `${unlimited.url}/oauth/token`,
          { grant_type: 'password', username: `nobody-${i}`, password: 'wrong password' },
          { authorization: basicAuth(client.client_id, client.client_secret) },
        );
        expect(response.status).toBe(400);
      }
    } finally {
      await unlimited.close();
    }
  });
});
