import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { TokenRevocationJson } from '../../src/admin-api/wire.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface TokenBody {
  access_token: string;
  refresh_token?: string;
}
type Credentials = { client_id: string; client_secret: string };

const ACCEPTED = { resource: 200, active: true };
const REFUSED = { resource: 401, active: false };

/** Token requests, and the verdict of Gatehouse's own resource (the user API) and of introspection, on one server. */
function oauthOn(server: TestServer, introspector: Credentials) {
  const token = async (client: Credentials, params: Record<string, string>): Promise<TokenBody> => {
    const response = await postForm(`${server.url}/oauth/token`, params, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as TokenBody;
  };
  const api = {
    clientToken: (client: Credentials) => token(client, { grant_type: 'client_credentials', scope: 'users' }),
    userToken: (client: Credentials, username: string) => token(client, { grant_type: 'password', username, password: `${username} password 1`, scope: 'users offline_access' }),
    refresh: (client: Credentials, refreshToken: string) =>
      postForm(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: basicAuth(client.client_id, client.client_secret) }),
    async verdict(accessToken: string) {
      const resource = await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${accessToken}` } });
      if (resource.status === 401) expect(resource.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const introspection = await postForm(`${server.url}/oauth/introspect`, { token: accessToken }, { authorization: basicAuth(introspector.client_id, introspector.client_secret) });
      return { resource: resource.status, active: ((await introspection.json()) as { active: boolean }).active };
    },
    /**
     * A new token that `judge` accepts: after a revocation of all of a client's or a user's tokens, one issued in the
     * same second (iat has whole seconds) is refused too, so this asks again until a token from a later second.
     */
    async fresh(issue: () => Promise<TokenBody>, judge: (token: string) => Promise<{ active: boolean }> = (token) => api.verdict(token)): Promise<TokenBody> {
      let token = await issue();
      await eventually(async () => (await judge(token.access_token)).active || ((token = await issue()), false));
      return token;
    },
  };
  return api;
}

/** Polls `check` until it holds (no fixed sleeps); fails after a generous timeout. Returns the milliseconds it took. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function setUp(server: TestServer) {
  const app = await server.createClient({ client_name: 'app', grant_types: ['password', 'client_credentials'], refresh_tokens: true, scope: 'users offline_access' });
  const other = await server.createClient({ client_name: 'other', grant_types: ['password', 'client_credentials'], refresh_tokens: true, scope: 'users offline_access' });
  const introspector = await server.createClient({ client_name: 'introspector', scope: '' });
  for (const username of ['grace', 'heidi']) {
    const response = await server.admin('POST', '/users', { username, password: `${username} password 1`, roles: ['user-admin'] });
    expect(response.status, await response.clone().text()).toBe(201);
  }
  return { app, other, introspector };
}

describe.each(STORES)('revoking tokens through the admin API on %s', (store) => {
  let server: TestServer;
  let clients: Awaited<ReturnType<typeof setUp>>;
  let oauth: ReturnType<typeof oauthOn>;
  beforeAll(async () => {
    server = await startTestServer({ store });
    clients = await setUp(server);
    oauth = oauthOn(server, clients.introspector);
  });
  afterAll(async () => {
    await server.close();
  });

  const revoke = async (body: unknown): Promise<Response> => server.admin('POST', '/tokens/revoke', body);

  it('revokes one access token by jti, and only it', async () => {
    const first = await oauth.clientToken(clients.app);
    const second = await oauth.clientToken(clients.app);
    const response = await revoke({ jti: decodeJwt(first.access_token).jti });
    expect(response.status).toBe(200);
    expect(((await response.json()) as TokenRevocationJson).revoked).toBe('token');
    expect(await oauth.verdict(first.access_token)).toEqual(REFUSED);
    expect(await oauth.verdict(second.access_token)).toEqual(ACCEPTED);
  });

  it("revokes every token of a client: its access tokens (its users' too) and refresh tokens; others keep theirs", async () => {
    const own = await oauth.clientToken(clients.app);
    const user = await oauth.userToken(clients.app, 'grace');
    const elsewhere = await oauth.userToken(clients.other, 'grace');
    const response = await revoke({ client_id: clients.app.client_id });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Extract<TokenRevocationJson, { revoked: 'client' }>;
    expect(body).toMatchObject({ revoked: 'client', client_id: clients.app.client_id });
    expect(body.refresh_tokens_revoked).toBeGreaterThanOrEqual(1);
    expect(await oauth.verdict(own.access_token)).toEqual(REFUSED);
    expect(await oauth.verdict(user.access_token)).toEqual(REFUSED);
    const refreshed = await oauth.refresh(clients.app, user.refresh_token!);
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');
    expect(await oauth.verdict(elsewhere.access_token)).toEqual(ACCEPTED);
    expect((await oauth.refresh(clients.other, elsewhere.refresh_token!)).status).toBe(200);
    // Tokens issued after the revocation work again (one issued within the same second is refused too).
    await eventually(async () => (await oauth.verdict((await oauth.clientToken(clients.app)).access_token)).active);
  });

  it('revokes every token of a user (by username or id) at every client; the clients keep their own tokens', async () => {
    const atApp = await oauth.fresh(() => oauth.userToken(clients.app, 'heidi'));
    const atOther = await oauth.userToken(clients.other, 'heidi');
    const someoneElse = await oauth.userToken(clients.other, 'grace');
    const clientOwn = await oauth.clientToken(clients.other);
    const response = await revoke({ user_id: 'heidi' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Extract<TokenRevocationJson, { revoked: 'user' }>;
    expect(body).toMatchObject({ revoked: 'user', username: 'heidi', refresh_tokens_revoked: 2 });
    for (const token of [atApp, atOther]) expect(await oauth.verdict(token.access_token)).toEqual(REFUSED);
    expect((await oauth.refresh(clients.other, atOther.refresh_token!)).status).toBe(400);
    expect(await oauth.verdict(someoneElse.access_token)).toEqual(ACCEPTED);
    expect(await oauth.verdict(clientOwn.access_token)).toEqual(ACCEPTED);
    // By id too.
    expect((await revoke({ user_id: body.user_id })).status).toBe(200);
  });

  it('refuses bad requests with the field at fault and writes nothing', async () => {
    for (const [body, status, field] of [
      [{}, 400, 'jti'],
      [{ jti: 'a', client_id: 'b' }, 400, 'client_id'],
      [{ jti: '' }, 400, 'jti'],
      [{ user_id: 42 }, 400, 'user_id'],
      [{ client_id: 'no-such-client' }, 404, undefined],
      [{ user_id: 'nobody' }, 404, undefined],
    ] as const) {
      const response = await revoke(body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      if (field) expect(((await response.json()) as { field: string }).field).toBe(field);
    }
  });

  it('records each revocation in the audit log as token.revoke with its target', async () => {
    await server.gatehouse.audit.flush();
    const { events } = (await (await server.admin('GET', '/audit?action=token.revoke&limit=50')).json()) as { events: { target: string | null; outcome: string }[] };
    const targets = events.filter((event) => event.outcome === 'success').map((event) => event.target);
    expect(targets).toEqual(expect.arrayContaining([clients.app.client_id, 'heidi']));
    // Filtering the log by the client finds its revocation.
    const byClient = (await (await server.admin('GET', `/audit?action=token.revoke&client_id=${clients.app.client_id}`)).json()) as { events: { target: string }[] };
    expect(byClient.events.map((event) => event.target)).toEqual([clients.app.client_id]);
  });
});

describe('a revocation reaches a second instance sharing the PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let clients: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ store: 'postgres', database });
    b = await startTestServer({ store: 'postgres', database });
    // One deployment: B accepts what A issues.
    b.config.issuer = a.url;
    clients = await setUp(a);
    await b.gatehouse.changes.pollNow();
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await database.drop();
  });

  it.each([
    ['jti', (token: string) => ({ jti: decodeJwt(token).jti })],
    ['client', () => ({ client_id: clients.app.client_id })],
    ['user', () => ({ user_id: 'grace' })],
  ] as const)('by %s: introspection inactive and the protected route 401 on B, without a request to B', async (kind, bodyOf) => {
    const onA = oauthOn(a, clients.introspector);
    const onB = oauthOn(b, clients.introspector);
    const token = await onA.fresh(
      () => (kind === 'client' ? onA.clientToken(clients.app) : onA.userToken(clients.app, 'grace')),
      (value) => onB.verdict(value),
    );
    expect(await onB.verdict(token.access_token)).toEqual(ACCEPTED);
    expect((await a.admin('POST', '/tokens/revoke', bodyOf(token.access_token))).status).toBe(200);
    const took = await eventually(async () => (await onB.verdict(token.access_token)).active === false);
    expect(await onB.verdict(token.access_token)).toEqual(REFUSED);
    console.log(`revocation by ${kind} reached instance B after ${took} ms`);
  });
});
