import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAppToken } from '../../src/client-sdk/index.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface TokenBody {
  access_token: string;
  expires_in: number;
  scope?: string;
}

describe.each(STORES)('application token endpoint on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let key: KeyObject;
  let kid: string;
  let endpoint: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    endpoint = `${server.url}/api/auth/sign/ap/token`;
    app = await server.createClient({ scope: 'users portal', may_act_for_users: true });
    const generated = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    key = createPrivateKey(generated.private_key_pem);
    kid = generated.key.kid;
    await server.admin('POST', '/users', { username: 'pia', password: 'pia password 1', roles: ['user-admin'] });
  });
  afterAll(async () => {
    await server.close();
  });

  const signed = (claims: Record<string, unknown> = {}, signer = key, iss = app.client_id) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(iss)
      .setAudience(endpoint)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(signer);
  };
  const call = (params: Record<string, string>, headers: Record<string, string> = { authorization: basicAuth(app.client_id, app.client_secret) }) => postForm(endpoint, params, headers);

  it('issues an application token for a request proving both secret and key', async () => {
    const response = await call({ request: await signed({ scope: 'portal' }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body.scope).toBe('portal');
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: app.client_id, client_id: app.client_id });
  });

  it('issues a token for a named user and can set it as a cookie', async () => {
    const response = await call({ request: await signed({ sub: 'pia' }), set_cookie: 'true' });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gatehouse_access_token=[^;]+; Max-Age=7200; Path=\/; HttpOnly; SameSite=Lax$/);
    const token = /^gatehouse_access_token=([^;]+)/.exec(cookie)?.[1] ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims.username).toBe('pia');

    const viaCookie = await fetch(`${server.url}/api/users`, { headers: { cookie: `gatehouse_access_token=${token}` } });
    expect(viaCookie.status).toBe(200);
    const viaHeader = await fetch(`${server.url}/api/users`, { headers: { 'x-gatehouse-access-token': token } });
    expect(viaHeader.status).toBe(200);
    const other = ((await (await call({ request: await signed() })).json()) as TokenBody).access_token;
    const twoTokens = await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${other}`, cookie: `gatehouse_access_token=${token}` } });
    expect(twoTokens.status).toBe(400);
    expect(twoTokens.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('works with the client SDK helper', async () => {
    const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const response = await requestAppToken({ issuer: server.url, clientId: app.client_id, clientSecret: app.client_secret, privateKey: pem, kid, sub: 'pia', scope: 'portal' });
    expect(response.scope).toBe('portal');
    await expect(requestAppToken({ issuer: server.url, clientId: app.client_id, clientSecret: 'wrong-secret-value', privateKey: pem, kid })).rejects.toThrow(/invalid_client/);
  });

  it('refuses replays, missing secrets, other keys, browsers and non-delegating applications', async () => {
    const once = await signed();
    expect((await call({ request: once })).status).toBe(200);
    expect((await call({ request: once })).status).toBe(400);
    expect((await call({ request: await signed() }, {})).status).toBe(401);
    expect((await call({ request: await signed() }, { authorization: basicAuth(app.client_id, 'wrong-secret') })).status).toBe(401);

    const other = await server.createClient({ scope: 'portal' });
    const otherKey = (await (await server.admin('POST', `/clients/${other.client_id}/keys`, {})).json()) as { private_key_pem: string };
    const crossed = await call({ request: await signed({}, createPrivateKey(otherKey.private_key_pem)) });
    expect(crossed.status).toBe(400);
    const foreign = await call({ request: await signed({}, key, other.client_id) });
    expect(foreign.status).toBe(400);

    const browser = await postForm(endpoint, { request: await signed() }, { authorization: basicAuth(app.client_id, app.client_secret), origin: 'https://portal.example' });
    expect(browser.status).toBe(403);
    expect(browser.headers.get('access-control-allow-origin')).toBeNull();

    const delegate = await call({ request: await signed({ sub: 'pia' }) }, { authorization: basicAuth(other.client_id, other.client_secret) });
    expect(delegate.status).toBe(400);
  });

  it('never answers a CORS preflight, even for an origin a client lists', async () => {
    await server.createClient({ scope: 'portal', allowed_origins: ['https://portal.example'] });
    const resources = await fetch(`${server.url}/api/users`, { method: 'OPTIONS', headers: { origin: 'https://portal.example', 'access-control-request-method': 'GET' } });
    expect(resources.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    const preflight = await fetch(endpoint, { method: 'OPTIONS', headers: { origin: 'https://portal.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(((await preflight.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('refuses an expired application', async () => {
    const expiring = await server.createClient({ scope: 'portal', expires_at: '2020-01-01' });
    const generated = (await (await server.admin('POST', `/clients/${expiring.client_id}/keys`, { kid: 'expiring-key' })).json()) as { private_key_pem: string };
    const now = Math.floor(Date.now() / 1000);
    const request = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'expiring-key' })
      .setIssuer(expiring.client_id)
      .setAudience(endpoint)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(createPrivateKey(generated.private_key_pem));
    const response = await call({ request }, { authorization: basicAuth(expiring.client_id, expiring.client_secret) });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(/expired/);
  });

  it('sets the cookie with the Domain, Path, SameSite and Secure an administrator configured', async () => {
    const settings = { cookie_name: 'portal_token', cookie_domain: 'example.com', cookie_path: '/app', cookie_same_site: 'strict', cookie_secure: true };
    expect((await server.admin('PATCH', '/settings/token-delivery', settings)).status).toBe(200);
    try {
      const response = await call({ request: await signed(), set_cookie: 'true' });
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toMatch(/^portal_token=[^;]+; Max-Age=7200; Domain=example\.com; Path=\/app; HttpOnly; Secure; SameSite=Strict$/);
    } finally {
      await server.admin('PATCH', '/settings/token-delivery', { cookie_name: 'gatehouse_access_token', cookie_domain: null, cookie_path: '/', cookie_same_site: 'lax', cookie_secure: null });
    }
  });
});
