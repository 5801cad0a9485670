import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface TokenBody {
  access_token: string;
  refresh_token?: string;
}

/**
 * RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens issued from the same grant
 * (its refresh-token family), at Gatehouse's own resources and at introspection; other grants keep working.
 */
describe.each(STORES)('revoking a refresh token revokes its grant on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let introspector: { client_id: string; client_secret: string };

  beforeAll(async () => {
    server = await startTestServer({ store });
    app = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'users' });
    introspector = await server.createClient({ client_name: 'introspector', scope: '' });
    expect((await server.admin('POST', '/users', { username: 'grace', password: 'grace password 1', roles: ['user-admin'] })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  const token = async (params: Record<string, string>): Promise<TokenBody> => {
    const response = await postForm(`${server.url}/oauth/token`, params, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as TokenBody;
  };
  const signIn = () => token({ grant_type: 'password', username: 'grace', password: 'grace password 1' });
  const refresh = (refreshToken: string) => token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const revoke = (value: string) => postForm(`${server.url}/oauth/revoke`, { token: value }, { authorization: basicAuth(app.client_id, app.client_secret) });
  /** The verdict of Gatehouse's own resource (the user API) and of introspection on an access token. */
  const verdict = async (accessToken: string) => {
    const resource = await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${accessToken}` } });
    const introspection = await postForm(`${server.url}/oauth/introspect`, { token: accessToken }, { authorization: basicAuth(introspector.client_id, introspector.client_secret) });
    return { resource: resource.status, active: ((await introspection.json()) as { active: boolean }).active };
  };
  const ACCEPTED = { resource: 200, active: true };
  const REFUSED = { resource: 401, active: false };

  it('refuses every access token of the revoked grant, and only those', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token ?? '');
    const other = await signIn();
    for (const accessToken of [first.access_token, second.access_token, other.access_token]) expect(await verdict(accessToken)).toEqual(ACCEPTED);

    expect((await revoke(second.refresh_token ?? '')).status).toBe(200);

    expect(await verdict(first.access_token)).toEqual(REFUSED);
    expect(await verdict(second.access_token)).toEqual(REFUSED);
    expect(await verdict(other.access_token)).toEqual(ACCEPTED);
    const refused = await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${first.access_token}` } });
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses the access tokens of a grant revoked by refresh-token reuse', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token ?? '');
    const replay = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' },
      { authorization: basicAuth(app.client_id, app.client_secret) },
    );
    expect(replay.status).toBe(400);
    expect(await verdict(second.access_token)).toEqual(REFUSED);
    expect(await verdict(first.access_token)).toEqual(REFUSED);
  });

  it('keeps the grant revoked after a restart on the same store', async () => {
    const first = await signIn();
    expect((await revoke(first.refresh_token ?? '')).status).toBe(200);
    const restarted = await startTestServer({
      store,
      dataDir: server.dataDir,
      ...(server.databaseUrl ? { database: { url: server.databaseUrl, name: 'shared', drop: async () => undefined } } : {}),
    });
    try {
      // One issuer for both, as instances of one deployment have (the test server takes its URL after start).
      restarted.config.issuer = server.config.issuer;
      const other = await signIn();
      expect((await fetch(`${restarted.url}/api/users`, { headers: { authorization: `Bearer ${other.access_token}` } })).status).toBe(200);
      const resource = await fetch(`${restarted.url}/api/users`, { headers: { authorization: `Bearer ${first.access_token}` } });
      expect(resource.status).toBe(401);
    } finally {
      await restarted.close();
    }
  });

  it('refuses the access tokens of every grant of a user whose password was set, and of no one else', async () => {
    const created = await server.admin('POST', '/users', { username: 'ivan', password: 'ivan password 1', roles: ['user-admin'] });
    expect(created.status).toBe(201);
    const ivanId = ((await created.json()) as { id: string }).id;
    const ivanSignIn = () => token({ grant_type: 'password', username: 'ivan', password: 'ivan password 1' });
    const first = await ivanSignIn();
    const second = await ivanSignIn();
    const refreshed = await refresh(second.refresh_token ?? '');
    const grace = await signIn();
    for (const accessToken of [first.access_token, refreshed.access_token, grace.access_token]) expect(await verdict(accessToken)).toEqual(ACCEPTED);

    expect((await server.admin('POST', `/users/${ivanId}/password`, { password: 'ivan password 2' })).status).toBe(204);

    await expect.poll(() => verdict(first.access_token)).toEqual(REFUSED);
    expect(await verdict(second.access_token)).toEqual(REFUSED);
    expect(await verdict(refreshed.access_token)).toEqual(REFUSED);
    expect(await verdict(grace.access_token)).toEqual(ACCEPTED);
    // The new password gives a new grant, which works.
    const after = await token({ grant_type: 'password', username: 'ivan', password: 'ivan password 2' });
    expect(await verdict(after.access_token)).toEqual(ACCEPTED);
  });
});
