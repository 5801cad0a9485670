import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two instances on one PostgreSQL database: rate limits count across both only with a shared Redis. */
describe('password-grant rate limits across instances', () => {
  let database: TestDatabase;
  const servers: TestServer[] = [];
  const prefix = `gatehouse-test-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database.drop();
  });

  async function pair(config: Record<string, unknown>): Promise<{ a: TestServer; b: TestServer; client: { client_id: string; client_secret: string } }> {
    const limits = { passwordRateLimitPerClient: 4, passwordRateLimitPerAddress: 1000, ...config };
    const a = await startTestServer({ store: 'postgres', database, config: limits });
    servers.push(a);
    const client = await a.createClient({ grant_types: ['password'] });
    // Started after the client exists, so B knows it from its first load.
    const b = await startTestServer({ store: 'postgres', database, config: limits });
    servers.push(b);
    return { a, b, client };
  }

  // A new username each time: only the per-client budget is measured, not the per-user one.
  let sent = 0;
  const passwordGrant = (server: TestServer, client: { client_id: string; client_secret: string }) =>
    postForm(`${server.url}/oauth/token`, { grant_type: 'password', username: `nobody-${++sent}`, password: 'wrong password' }, { authorization: basicAuth(client.client_id, client.client_secret) });

  it('with REDIS_URL, requests to either instance count against one limit', async () => {
    const { a, b, client } = await pair({ redisUrl: REDIS_URL, redisKeyPrefix: prefix });
    const statuses: number[] = [];
    for (const server of [a, b, a, b, a, b]) statuses.push((await passwordGrant(server, client)).status);
    // Four allowed in all (two on each instance), then both instances refuse.
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    const keys = await redis.keys(`${prefix}attempts:password-client:*`);
    expect(keys.length).toBe(1);
  });

  it('with REDIS_URL, registration attempts to either instance count against one limit', async () => {
    const { a, b } = await pair({ redisUrl: REDIS_URL, redisKeyPrefix: prefix, registrationRateLimitPerAddress: 3 });
    const register = (server: TestServer) => fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const statuses: number[] = [];
    for (const server of [a, b, a, b]) statuses.push((await register(server)).status);
    // Counted before the (missing) initial access token is checked: three answered, then both refuse.
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await register(a)).status).toBe(429);
    expect(await redis.keys(`${prefix}rate-limit:register:*`)).toHaveLength(1);
  });

  it('without REDIS_URL, the database counts for every instance', async () => {
    const { a, b, client } = await pair({});
    const statuses: number[] = [];
    for (const server of [a, b, a, b, a, b]) statuses.push((await passwordGrant(server, client)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
  });

  it('an unreachable Redis: password checks are counted in the database instead', async () => {
    const server = await startTestServer({ store: 'sqlite', config: { redisUrl: 'redis://127.0.0.1:1', redisKeyPrefix: prefix, passwordRateLimitPerClient: 1 } });
    servers.push(server);
    const client = await server.createClient({ grant_types: ['password'] });
    expect((await passwordGrant(server, client)).status).toBe(400);
    expect((await passwordGrant(server, client)).status).toBe(429);
  });
});
