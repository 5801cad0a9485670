import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const ADMIN_PASSWORD = 'correct horse battery staple';
const BURST = 300;

/** How many answers of a burst were anything but 429: each of those ran a password check. */
function tally(statuses: number[]): { checked: number; refused: number; byStatus: Record<number, number> } {
  const byStatus: Record<number, number> = {};
  for (const status of statuses) byStatus[status] = (byStatus[status] ?? 0) + 1;
  const refused = byStatus[429] ?? 0;
  return { checked: statuses.length - refused, refused, byStatus };
}

function consoleSignIn(server: TestServer, username: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });
}

/** `BURST` requests at once; the right password (if any) goes last. */
async function burst(send: (index: number) => Promise<Response>): Promise<number[]> {
  return Promise.all(
    Array.from({ length: BURST }, async (_, index) => {
      const response = await send(index);
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

/**
 * Every password check is counted when its request arrives, before argon2 runs: however many attempts
 * arrive at once, no more than the configured number of password checks run per window.
 */
describe.each(STORES)('password checks under a burst on %s', (store) => {
  let server: TestServer;
  let passwordClient: { client_id: string; client_secret: string };
  let loginClient: { client_id: string; client_secret: string };

  beforeAll(async () => {
    server = await startTestServer({
      store,
      config: {
        adminPassword: ADMIN_PASSWORD,
        adminSignInLimitPerUsername: 5,
        adminSignInLimitPerAddress: 10_000,
        lockoutThreshold: 5,
        // Per-address and per-client budgets high: the per-user limit is what is measured.
        passwordRateLimitPerAddress: 10_000,
        passwordRateLimitPerClient: 10_000,
        tokenRateLimitPerAddress: 100_000,
        tokenRateLimitPerClient: 100_000,
      },
    });
    passwordClient = await server.createClient({ grant_types: ['password'], scope: 'read' });
    loginClient = await server.createClient({ grant_types: ['client_credentials'], scope: 'UserLogin' });
    for (const username of ['grant-user', 'login-user']) {
      expect((await server.admin('POST', '/users', { username, password: `${username} password` })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await server.close();
  });

  it(`console sign-in: of ${BURST} concurrent attempts for one username, at most 5 wrong passwords are checked`, { timeout: 120_000 }, async () => {
    const statuses = await burst((index) => consoleSignIn(server, 'admin', index === BURST - 1 ? ADMIN_PASSWORD : `guess ${index}`));
    const counts = tally(statuses);
    console.log(`console sign-in burst on ${store}: ${JSON.stringify(counts.byStatus)}`);
    expect(counts.byStatus[401] ?? 0).toBeLessThanOrEqual(5);
    // The right password may have taken one of the slots (a success gives its slot back).
    expect(counts.checked).toBeLessThanOrEqual(6);
    expect(counts.refused).toBeGreaterThanOrEqual(BURST - 6);
    const refused = await consoleSignIn(server, 'admin', 'one more guess');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it(`password grant: of ${BURST} concurrent attempts for one user, at most the lockout threshold are checked`, { timeout: 120_000 }, async () => {
    const statuses = await burst((index) =>
      postForm(
        `${server.url}/oauth/token`,
        { grant_type: 'password', username: 'grant-user', password: index === BURST - 1 ? 'grant-user password' : `guess ${index}` },
        { authorization: basicAuth(passwordClient.client_id, passwordClient.client_secret) },
      ),
    );
    const counts = tally(statuses);
    console.log(`password grant burst on ${store}: ${JSON.stringify(counts.byStatus)}`);
    expect(counts.byStatus[400] ?? 0).toBeLessThanOrEqual(5);
    expect(counts.checked).toBeLessThanOrEqual(6);
  });

  it(`UserLogin through challenge_response: of ${BURST} concurrent answers for one user, at most the lockout threshold are checked`, { timeout: 120_000 }, async () => {
    const statuses = await burst((index) =>
      postForm(
        `${server.url}/oauth/token`,
        {
          grant_type: 'client_credentials',
          scope: 'UserLogin',
          challenge_response: JSON.stringify({ UserLogin: { username: 'login-user', password: index === BURST - 1 ? 'login-user password' : `guess ${index}` } }),
        },
        { authorization: basicAuth(loginClient.client_id, loginClient.client_secret) },
      ),
    );
    const counts = tally(statuses);
    console.log(`UserLogin burst on ${store}: ${JSON.stringify(counts.byStatus)}`);
    expect(counts.byStatus[400] ?? 0).toBeLessThanOrEqual(5);
    expect(counts.checked).toBeLessThanOrEqual(6);
  });
});

/** The password grant and UserLogin spend one budget per address and per client: the same limiter. */
describe.each(STORES)('one password-check budget for every path on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { passwordRateLimitPerAddress: 4, passwordRateLimitPerClient: 1000 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts password grants and UserLogin answers from one address together', async () => {
    const client = await server.createClient({ grant_types: ['password', 'client_credentials'], scope: 'read UserLogin' });
    const authorization = basicAuth(client.client_id, client.client_secret);
    const grant = (username: string) => postForm(`${server.url}/oauth/token`, { grant_type: 'password', username, password: 'wrong' }, { authorization });
    const login = (username: string) =>
      postForm(
        `${server.url}/oauth/token`,
        { grant_type: 'client_credentials', scope: 'UserLogin', challenge_response: JSON.stringify({ UserLogin: { username, password: 'wrong' } }) },
        { authorization },
      );
    const statuses: number[] = [];
    // Distinct usernames: only the address's budget (4) is shared.
    for (const [index, send] of [grant, login, grant, login, grant, login].entries()) statuses.push((await send(`someone-${index}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
  });
});

/** Per-address keys group an IPv6 source by its /64, for the console sign-in too. */
describe.each(STORES)('console sign-in keyed per IPv6 /64 on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: ADMIN_PASSWORD, adminSignInLimitPerAddress: 3, adminSignInLimitPerUsername: 100, trustedProxies: ['127.0.0.1'] } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts addresses of one /64 together, and another /64 apart', async () => {
    const from = (address: string, username: string) => consoleSignIn(server, username, 'wrong password', { 'x-forwarded-for': address });
    const statuses: number[] = [];
    for (let host = 1; host <= 4; host++) statuses.push((await from(`2001:db8:1:2::${host.toString(16)}`, `name-${host}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await from('2001:db8:1:3::1', 'name-5')).status).toBe(401);
    // IPv4 stays per address.
    expect((await from('192.0.2.1', 'name-6')).status).toBe(401);
  });
});
