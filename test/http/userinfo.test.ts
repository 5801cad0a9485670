import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdTokenIssuer } from '../../src/oauth/id-token-issuer.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const OTHER_API = 'https://api.example/';

interface ErrorBody {
  error: string;
  error_description: string;
}

describe.each(STORES)('OpenID Connect UserInfo on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let userId: string;
  let tokenOf: (scope: string, extra?: Record<string, string>) => Promise<string>;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { resources: [OTHER_API] } });
    app = await server.createClient({ grant_types: ['password', 'client_credentials'], scope: 'openid profile email orders' });
    const created = await server.admin('POST', '/users', { username: 'Ada', password: 'ada password 1', display_name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(created.status).toBe(201);
    userId = ((await created.json()) as { id: string }).id;
    tokenOf = async (scope, extra = {}) => {
      const response = await postForm(
        `${server.url}/oauth/token`,
        { grant_type: 'password', username: 'Ada', password: 'ada password 1', scope, ...extra },
        { authorization: basicAuth(app.client_id, app.client_secret) },
      );
      expect(response.status).toBe(200);
      return ((await response.json()) as { access_token: string }).access_token;
    };
  });
  afterAll(async () => {
    await server.close();
  });

  const userinfo = (token: string) => fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });

  it('answers sub and the claims of the profile and email scopes, on GET and POST', async () => {
    const token = await tokenOf('openid profile email');
    const response = await userinfo(token);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const claims = (await response.json()) as Record<string, unknown>;
    expect(claims).toEqual({ sub: userId, name: 'Ada Lovelace', preferred_username: 'Ada', updated_at: expect.any(Number) as number, email: 'ada@example.com', email_verified: false });

    // RFC 6750 §2.2: the token as a form parameter.
    const posted = await postForm(`${server.url}/oauth/userinfo`, { access_token: token });
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as { sub: string }).sub).toBe(userId);
    const postedWithHeader = await fetch(`${server.url}/oauth/userinfo`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(postedWithHeader.status).toBe(200);
  });

  it('answers only sub with openid alone, and follows changes of the user registry', async () => {
    const token = await tokenOf('openid');
    expect(await (await userinfo(token)).json()).toEqual({ sub: userId });

    const profileToken = await tokenOf('openid profile');
    expect(((await (await userinfo(profileToken)).json()) as { name: string }).name).toBe('Ada Lovelace');
    const patched = await server.admin('PATCH', `/users/${userId}`, { display_name: 'Ada King' });
    expect(patched.status).toBe(200);
    const claims = (await (await userinfo(profileToken)).json()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: userId, name: 'Ada King' });
    expect(claims).not.toHaveProperty('email');
  });

  it('refuses a request without a token with a bare Bearer challenge', async () => {
    const response = await fetch(`${server.url}/oauth/userinfo`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
  });

  it('refuses invalid tokens with 401 invalid_token', async () => {
    for (const token of ['not-a-token', 'a.b.c']) {
      const response = await userinfo(token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]+"$/);
      expect(((await response.json()) as ErrorBody).error).toBe('invalid_token');
    }
    const basic = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: basicAuth(app.client_id, app.client_secret) } });
    expect(basic.status).toBe(401);
  });

  it('refuses a token without openid with 403 insufficient_scope', async () => {
    const response = await userinfo(await tokenOf('profile email'));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="openid"/);
    expect(((await response.json()) as ErrorBody).error).toBe('insufficient_scope');
  });

  it('refuses client tokens, tokens for another audience and ID tokens', async () => {
    const clientToken = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'openid' }, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(clientToken.status).toBe(200);
    const forClient = await userinfo(((await clientToken.json()) as { access_token: string }).access_token);
    expect(forClient.status).toBe(401);
    expect(((await forClient.json()) as ErrorBody).error_description).toBe('the access token was not issued for a user');

    const forOtherApi = await userinfo(await tokenOf('openid profile', { resource: OTHER_API }));
    expect(forOtherApi.status).toBe(401);
    expect(((await forOtherApi.json()) as ErrorBody).error).toBe('invalid_token');

    const user = await server.gatehouse.usersRepository.get(userId);
    const client = server.gatehouse.directory.get(app.client_id);
    if (!user || !client) throw new Error('user or client missing');
    const idToken = await new IdTokenIssuer(server.config, server.gatehouse.keys).issue({ client, user, nonce: undefined, authTime: Date.now(), amr: ['pwd'], scopes: ['openid'] });
    expect((await userinfo(idToken)).status).toBe(401);
  });

  it('refuses a token sent in two ways with 400 invalid_request', async () => {
    const token = await tokenOf('openid');
    const response = await postForm(`${server.url}/oauth/userinfo`, { access_token: token }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error).toBe('invalid_request');
  });

  it('may be called from any origin, without credentials', async () => {
    const token = await tokenOf('openid');
    const response = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}`, origin: 'https://spa.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${server.url}/oauth/userinfo`, {
      method: 'OPTIONS',
      headers: { origin: 'https://spa.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('refuses the token of a disabled user', async () => {
    const token = await tokenOf('openid');
    expect((await server.admin('PATCH', `/users/${userId}`, { enabled: false })).status).toBe(200);
    await expect.poll(async () => (await userinfo(token)).status).toBe(401);
    expect((await server.admin('PATCH', `/users/${userId}`, { enabled: true })).status).toBe(200);
  });
});
