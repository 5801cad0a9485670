import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

interface Body {
  error?: string;
  challenges?: Record<string, unknown>;
  blocked_until?: string;
  expires_in?: number;
}

describe('security-check state shared by two instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ store: 'postgres', database, config: { pinMaxAttempts: 2 } });
    b = await startTestServer({ store: 'postgres', database, config: { pinMaxAttempts: 2 } });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  async function tokenOn(server: TestServer, client: { client_id: string; client_secret: string }, params: Record<string, string>): Promise<{ status: number; body: Body }> {
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', ...params }, { authorization: basicAuth(client.client_id, client.client_secret) });
    return { status: response.status, body: (await response.json()) as Body };
  }

  it('a PIN passed on instance A is not asked again on instance B', async () => {
    const client = await a.createClient({ scope: 'read PinCode' });
    expect((await a.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '5150' })).status).toBe(204);
    await b.gatehouse.changes.pollNow();
    expect((await tokenOn(b, client, { scope: 'PinCode' })).body.error).toBe('challenge_required');
    const passed = await tokenOn(a, client, { scope: 'PinCode', challenge_response: JSON.stringify({ PinCode: '5150' }) });
    expect(passed.status).toBe(200);
    const onB = await tokenOn(b, client, { scope: 'PinCode read' });
    expect(onB.status).toBe(200);
    expect(onB.body.expires_in).toBe(3600);
  });

  it('wrong PINs on both instances add up to one block that both enforce', async () => {
    const client = await a.createClient({ scope: 'read PinCode' });
    expect((await a.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '7777' })).status).toBe(204);
    await b.gatehouse.changes.pollNow();
    const wrong = { scope: 'PinCode', challenge_response: JSON.stringify({ PinCode: '0000' }) };
    expect((await tokenOn(a, client, wrong)).body.challenges).toEqual({ PinCode: { remainingAttempts: 1, errorMsg: 'wrong PIN' } });
    const blocked = await tokenOn(b, client, wrong);
    expect(blocked.body.error).toBe('access_denied');
    expect(blocked.body.blocked_until).toBeDefined();
    const onA = await tokenOn(a, client, { scope: 'PinCode', challenge_response: JSON.stringify({ PinCode: '7777' }) });
    expect(onA.body.error).toBe('access_denied');
    expect(onA.body.blocked_until).toBe(blocked.body.blocked_until);
  });

  it('concurrent wrong answers never count fewer attempts than were made', async () => {
    const client = await a.createClient({ scope: 'read PinCode' });
    expect((await a.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '3333' })).status).toBe(204);
    await b.gatehouse.changes.pollNow();
    const wrong = { scope: 'PinCode', challenge_response: JSON.stringify({ PinCode: '0000' }) };
    const results = await Promise.all([tokenOn(a, client, wrong), tokenOn(b, client, wrong), tokenOn(a, client, wrong), tokenOn(b, client, wrong)]);
    // Two attempts block the check; of four concurrent wrong answers at least one must see the block.
    expect(results.some((result) => result.body.error === 'access_denied')).toBe(true);
    const after = await tokenOn(b, client, { scope: 'PinCode', challenge_response: JSON.stringify({ PinCode: '3333' }) });
    expect(after.body.error).toBe('access_denied');
  });

  it('a profile changed on A applies on B through the change feed', async () => {
    expect((await a.admin('PUT', '/profiles/shared', { max_token_expiration: 1500 })).status).toBe(201);
    const client = await a.createClient({ scope: 'read', profile: 'shared' });
    await b.gatehouse.changes.pollNow();
    expect((await tokenOn(b, client, {})).body.expires_in).toBe(1500);
    expect((await a.admin('PATCH', '/profiles/shared', { max_token_expiration: 700 })).status).toBe(200);
    await b.gatehouse.changes.pollNow();
    expect((await tokenOn(b, client, {})).body.expires_in).toBe(700);
  });
});
