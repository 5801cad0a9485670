import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

const ADMIN_PASSWORD = 'correct horse battery staple';
const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function consoleSignIn(server: TestServer, username: string, password: string): Promise<Response> {
  return fetch(`${server.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

/**
 * Two instances on one PostgreSQL database, without Redis: the password-check budgets live in the
 * database's attempt_counters table, so the instances share them, even for attempts that arrive at once.
 */
describe('password-check limits shared by instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let client: { client_id: string; client_secret: string };
  const limits = {
    adminPassword: ADMIN_PASSWORD,
    adminSignInLimitPerUsername: 3,
    adminSignInLimitPerAddress: 10_000,
    lockoutThreshold: 4,
    passwordRateLimitPerAddress: 10_000,
    passwordRateLimitPerClient: 10_000,
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ store: 'postgres', database, config: limits });
    client = await a.createClient({ grant_types: ['password'], scope: 'read' });
    expect((await a.admin('POST', '/users', { username: 'shared-user', password: 'shared-user password' })).status).toBe(201);
    expect((await a.admin('POST', '/users', { username: 'burst-user', password: 'burst-user password' })).status).toBe(201);
    // Started after the client exists, so B knows it from its first load.
    b = await startTestServer({ store: 'postgres', database, config: limits });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  const passwordGrant = (server: TestServer, username: string, password: string) =>
    postForm(`${server.url}/oauth/token`, { grant_type: 'password', username, password }, { authorization: basicAuth(client.client_id, client.client_secret) });

  it('console sign-ins to either instance count against one per-username budget', async () => {
    const statuses: number[] = [];
    for (const server of [a, b, a, b, a]) statuses.push((await consoleSignIn(server, 'admin', 'wrong password')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // The right password is refused too until the window ends: the budget is spent on both instances.
    expect((await consoleSignIn(b, 'admin', ADMIN_PASSWORD)).status).toBe(429);
  });

  it('password grants to either instance count against one per-user budget', async () => {
    const statuses: number[] = [];
    for (const server of [a, b, a, b, a, b]) statuses.push((await passwordGrant(server, 'shared-user', 'wrong password')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
  });

  it('a concurrent burst split over both instances gets at most the per-user budget checked', { timeout: 120_000 }, async () => {
    const statuses = await Promise.all(
      Array.from({ length: 300 }, async (_, index) => {
        const response = await passwordGrant(index % 2 === 0 ? a : b, 'burst-user', `guess ${index}`);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    const checked = statuses.filter((status) => status !== 429).length;
    console.log(`password grant burst over two instances: ${checked} of 300 checked`);
    expect(checked).toBeLessThanOrEqual(4);
  });
});

/** With REDIS_URL the same budgets are counted in Redis, shared by every instance. */
describe('password-check limits shared by instances through Redis', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let client: { client_id: string; client_secret: string };
  const prefix = `gatehouse-test-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL);

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = { adminPassword: ADMIN_PASSWORD, adminSignInLimitPerUsername: 3, lockoutThreshold: 4, passwordRateLimitPerAddress: 10_000, redisUrl: REDIS_URL, redisKeyPrefix: prefix };
    a = await startTestServer({ store: 'postgres', database, config });
    client = await a.createClient({ grant_types: ['password'], scope: 'read' });
    expect((await a.admin('POST', '/users', { username: 'redis-user', password: 'redis-user password' })).status).toBe(201);
    b = await startTestServer({ store: 'postgres', database, config });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database.drop();
  });

  it('a concurrent burst split over both instances gets at most the per-user budget checked, counted in Redis', { timeout: 120_000 }, async () => {
    const statuses = await Promise.all(
      Array.from({ length: 300 }, async (_, index) => {
        const response = await postForm(
          `${(index % 2 === 0 ? a : b).url}/oauth/token`,
          { grant_type: 'password', username: 'redis-user', password: `guess ${index}` },
          { authorization: basicAuth(client.client_id, client.client_secret) },
        );
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status !== 429).length).toBeLessThanOrEqual(4);
    const consoleStatuses: number[] = [];
    for (const server of [a, b, a, b]) consoleStatuses.push((await consoleSignIn(server, 'admin', 'wrong password')).status);
    expect(consoleStatuses).toEqual([401, 401, 401, 429]);
    expect((await redis.keys(`${prefix}attempts:password-user:*`)).length).toBe(1);
    expect((await redis.keys(`${prefix}attempts:console-username:*`)).length).toBe(1);
    // Nothing was counted in the database meanwhile.
    expect(await a.gatehouse.store.db.selectFrom('attempt_counters').select('key').execute()).toEqual([]);
  });
});
