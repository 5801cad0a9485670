import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, scrapeMetrics, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const APP_TOKEN_PATH = '/api/auth/sign/ap/token';

interface Client {
  client_id: string;
  client_secret: string;
}
interface SigningClient extends Client {
  key: KeyObject;
  kid: string;
}

/** A refused request: 429, Retry-After in whole seconds within the window, the RFC 6749 error body. */
async function expectTooManyRequests(response: Response, windowSeconds = 60): Promise<void> {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ error: 'too_many_requests', error_description: expect.stringMatching(/^too many token requests .*; retry in \d+ s$/) });
}

async function statusesOf(responses: Promise<Response>[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const response of responses) statuses.push((await response).status);
  return statuses;
}

/**
 * Limits of every token request, per source address (every request) and per client (only once the
 * client has proven who it is). The server trusts X-Forwarded-For from 127.0.0.1, so each test speaks
 * from source addresses of its own; limits are changed on the running server's configuration.
 */
describe.each(STORES)('token rate limits on %s', (store) => {
  let server: TestServer;
  let lastAddress = 0;
  const freshAddress = () => `203.0.113.${++lastAddress}`;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { trustedProxies: ['127.0.0.1'] } });
    await server.admin('POST', '/users', { username: 'rita', password: 'rita password 1' });
  });
  afterAll(async () => {
    await server.close();
  });

  function limits(perClient: number, perAddress: number, windowSeconds = 60): void {
    Object.assign(server.config, { tokenRateLimitPerClient: perClient, tokenRateLimitPerAddress: perAddress, tokenRateLimitWindow: windowSeconds });
  }

  const token = (params: Record<string, string>, from: string, headers: Record<string, string> = {}) => postForm(`${server.url}/oauth/token`, params, { 'x-forwarded-for': from, ...headers });
  const clientCredentials = (client: Client, from: string, secret = client.client_secret) => token({ grant_type: 'client_credentials' }, from, { authorization: basicAuth(client.client_id, secret) });

  async function signingClient(metadata: Record<string, unknown>): Promise<SigningClient> {
    const client = await server.createClient(metadata);
    const generated = (await (await server.admin('POST', `/clients/${client.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    return { ...client, key: createPrivateKey(generated.private_key_pem), kid: generated.key.kid };
  }
  const signed = (client: SigningClient, audience: string, claims: Record<string, unknown> = {}, key = client.key) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: client.kid })
      .setIssuer(client.client_id)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
  };
  const jwtBearer = async (client: SigningClient, from: string, key?: KeyObject) => token({ grant_type: JWT_BEARER, assertion: await signed(client, server.url, { sub: 'rita' }, key) }, from);
  const appToken = async (client: SigningClient, from: string) =>
    postForm(
      `${server.url}${APP_TOKEN_PATH}`,
      { request: await signed(client, `${server.url}${APP_TOKEN_PATH}`) },
      {
        authorization: basicAuth(client.client_id, client.client_secret),
        'x-forwarded-for': from,
      },
    );

  it('client_credentials: limits each client wherever it asks from, and no other client', async () => {
    limits(3, 1000);
    const [a, b] = [freshAddress(), freshAddress()];
    const first = await server.createClient();
    const second = await server.createClient();
    expect(await statusesOf([clientCredentials(first, a), clientCredentials(first, a), clientCredentials(first, b)])).toEqual([200, 200, 200]);
    await expectTooManyRequests(await clientCredentials(first, a));
    await expectTooManyRequests(await clientCredentials(first, freshAddress()));
    expect((await clientCredentials(second, a)).status).toBe(200);
  });

  it('limits each source address over all its clients, and no other address', async () => {
    limits(1000, 4);
    const a = freshAddress();
    const clients = [await server.createClient(), await server.createClient(), await server.createClient()];
    expect(await statusesOf([0, 1, 0, 1].map((i) => clientCredentials(clients[i] as Client, a)))).toEqual([200, 200, 200, 200]);
    await expectTooManyRequests(await clientCredentials(clients[2] as Client, a));
    expect((await clientCredentials(clients[2] as Client, freshAddress())).status).toBe(200);
  });

  it('counts an IPv6 source by its /64 network', async () => {
    limits(1000, 2);
    const client = await server.createClient();
    expect(await statusesOf([clientCredentials(client, '2001:db8:77:1::1'), clientCredentials(client, '2001:db8:77:1:ffff::2')])).toEqual([200, 200]);
    await expectTooManyRequests(await clientCredentials(client, '2001:db8:77:1:a:b:c:d'));
    expect((await clientCredentials(client, '2001:db8:77:2::1')).status).toBe(200);
  });

  it('a failed-authentication spray naming a client spends its own address budget, not the client’s', async () => {
    limits(3, 5);
    const [attacker, owner] = [freshAddress(), freshAddress()];
    const victim = await server.createClient();
    expect(await statusesOf(Array.from({ length: 5 }, () => clientCredentials(victim, attacker, 'guessed-secret')))).toEqual([401, 401, 401, 401, 401]);
    await expectTooManyRequests(await clientCredentials(victim, attacker, 'guessed-secret'));
    // The client itself still has its whole budget.
    expect(await statusesOf([clientCredentials(victim, owner), clientCredentials(victim, owner), clientCredentials(victim, owner)])).toEqual([200, 200, 200]);
    await expectTooManyRequests(await clientCredentials(victim, owner));
  });

  it('jwt-bearer assertions that fail to verify do not spend the client’s budget; proven ones do', async () => {
    limits(2, 1000);
    const app = await signingClient({ scope: 'profile', may_act_for_users: true });
    const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const attacker = freshAddress();
    for (let i = 0; i < 4; i++) expect((await jwtBearer(app, attacker, stranger)).status).toBe(400);
    const from = freshAddress();
    expect(await statusesOf([jwtBearer(app, from), jwtBearer(app, from)])).toEqual([200, 200]);
    await expectTooManyRequests(await jwtBearer(app, from));
    // With client authentication the grant counts like any other (and is refused the same way).
    await expectTooManyRequests(
      await token({ grant_type: JWT_BEARER, assertion: await signed(app, server.url, { sub: 'rita' }) }, from, { authorization: basicAuth(app.client_id, app.client_secret) }),
    );
  });

  it('refresh_token: counted with the password grant that started it', async () => {
    limits(3, 1000);
    const app = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile' });
    const from = freshAddress();
    const auth = { authorization: basicAuth(app.client_id, app.client_secret) };
    const signIn = await token({ grant_type: 'password', username: 'rita', password: 'rita password 1' }, from, auth);
    expect(signIn.status).toBe(200);
    let refreshToken = ((await signIn.json()) as { refresh_token: string }).refresh_token;
    for (let i = 0; i < 2; i++) {
      const response = await token({ grant_type: 'refresh_token', refresh_token: refreshToken }, from, auth);
      expect(response.status).toBe(200);
      refreshToken = ((await response.json()) as { refresh_token: string }).refresh_token;
    }
    await expectTooManyRequests(await token({ grant_type: 'refresh_token', refresh_token: refreshToken }, from, auth));
  });

  it('application-token endpoint: limited per application and per address, sharing the token endpoint’s budgets', async () => {
    limits(2, 1000);
    const app = await signingClient({ scope: 'portal' });
    const other = await signingClient({ scope: 'portal' });
    const from = freshAddress();
    expect(await statusesOf([appToken(app, from), appToken(app, from)])).toEqual([200, 200]);
    await expectTooManyRequests(await appToken(app, from));
    await expectTooManyRequests(await clientCredentials(app, freshAddress()));
    expect((await appToken(other, from)).status).toBe(200);

    limits(1000, 2);
    const crowded = freshAddress();
    const third = await signingClient({ scope: 'portal' });
    expect(await statusesOf([appToken(third, crowded), clientCredentials(third, crowded)])).toEqual([200, 200]);
    await expectTooManyRequests(await appToken(third, crowded));
  });

  it('the window ends: a refused client is served again once Retry-After has passed', async () => {
    // Both requests must land in the window that the first one starts: a few seconds, far above two token
    // requests even on a loaded machine (a one-second window could end between them).
    const windowSeconds = 4;
    limits(1, 1000, windowSeconds);
    const client = await server.createClient();
    const from = freshAddress();
    expect((await clientCredentials(client, from)).status).toBe(200);
    const refused = await clientCredentials(client, from);
    await expectTooManyRequests(refused, windowSeconds);
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers.get('retry-after')) * 1000 + 100));
    expect((await clientCredentials(client, from)).status).toBe(200);
  });

  it('audits the first refusal of an address per minute, not every one of a loop', async () => {
    limits(1, 1000);
    const client = await server.createClient();
    const from = freshAddress();
    expect((await clientCredentials(client, from)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await clientCredentials(client, from)).status).toBe(429);
    const refusals = async () => {
      const audited = await server.admin('GET', `/audit?action=token.refused&client_id=${client.client_id}`);
      return ((await audited.json()) as { events: { status: number; reason: string; source_address: string }[] }).events;
    };
    const events = await refusals();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 429, source_address: from });
    expect(events[0]?.reason).toMatch(/^too_many_requests: /);
    // Other refusals from that address are still recorded, each of them.
    for (let i = 0; i < 2; i++) expect((await clientCredentials(client, from, 'wrong-secret')).status).toBe(401);
    expect((await refusals()).map((event) => event.status)).toEqual([401, 401, 429]);
  });

  it('counts refusals in the metrics', async () => {
    limits(1, 1000);
    const client = await server.createClient();
    const from = freshAddress();
    await clientCredentials(client, from);
    await expectTooManyRequests(await clientCredentials(client, from));
    const metrics = await (await scrapeMetrics(server.url)).text();
    expect(metrics).toMatch(/^gatehouse_refusals_total\{error="too_many_requests",route="\/oauth\/token"\} [1-9]/m);
  });

  it('0 turns both limits off', async () => {
    limits(0, 0);
    const client = await server.createClient();
    const from = freshAddress();
    const statuses = await statusesOf(Array.from({ length: 30 }, () => clientCredentials(client, from)));
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});

/** Without trusted proxies, X-Forwarded-For is anyone's to write: the connection's address counts. */
describe('token rate limits without trusted proxies', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { tokenRateLimitPerClient: 1000, tokenRateLimitPerAddress: 3 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('ignores X-Forwarded-For, so forged addresses share the real one’s budget', async () => {
    const client = await server.createClient();
    const request = (forged: string) =>
      postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret), 'x-forwarded-for': forged });
    expect(await statusesOf([request('198.51.100.1'), request('198.51.100.2'), request('198.51.100.3')])).toEqual([200, 200, 200]);
    await expectTooManyRequests(await request('198.51.100.4'));
  });
});
