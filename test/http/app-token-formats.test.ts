import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

describe.each(STORES)('application token endpoint answer formats on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let key: KeyObject;
  let kid: string;
  let endpoint: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    endpoint = `${server.url}/api/auth/sign/ap/token`;
    app = await server.createClient({ scope: 'users portal' });
    const generated = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    key = createPrivateKey(generated.private_key_pem);
    kid = generated.key.kid;
  });
  afterAll(async () => {
    await server.close();
  });

  const signed = () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID(), scope: 'users' })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(app.client_id)
      .setAudience(endpoint)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
  };
  const call = async (accept: string | undefined, params: Record<string, string> = {}) =>
    postForm(endpoint, { request: await signed(), ...params }, { authorization: basicAuth(app.client_id, app.client_secret), ...(accept === undefined ? {} : { accept }) });

  it('answers the bare token as text/plain when the Accept header prefers it', async () => {
    for (const accept of ['text/plain', 'application/json;q=0.5, text/plain;q=0.9']) {
      const response = await call(accept);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const token = await response.text();
      expect(token).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
      expect((await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });

  it('still sets the cookie with a text answer', async () => {
    const response = await call('text/plain', { set_cookie: 'true' });
    expect(response.status).toBe(200);
    const token = await response.text();
    expect(response.headers.get('set-cookie')).toContain(`gatehouse_access_token=${token};`);
  });

  it('answers JSON without an Accept header, for */* and application/json', async () => {
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/plain, */*']) {
      const response = await call(accept);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as { access_token: string }).access_token).toMatch(/^ey/);
    }
  });

  it('answers errors as JSON even when text/plain is asked for', async () => {
    const response = await postForm(endpoint, { request: await signed() }, { authorization: basicAuth(app.client_id, 'not-the-secret-value'), accept: 'text/plain' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
    const noRequest = await postForm(endpoint, {}, { authorization: basicAuth(app.client_id, app.client_secret), accept: 'text/plain' });
    expect(noRequest.status).toBe(400);
    expect(noRequest.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await noRequest.json()) as { error: string }).error).toBe('invalid_request');
  });
});
