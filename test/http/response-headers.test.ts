import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

/**
 * Every answer says `X-Content-Type-Options: nosniff` and `X-Frame-Options: DENY`; every answer that
 * carries a token, a secret or a private key says `Cache-Control: no-store` (RFC 6749 §5.1).
 */
describe('response headers', () => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    client = await server.createClient({ scope: 'users' });
    token = (
      (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
  });
  afterAll(async () => {
    await server.close();
  });

  const expectHardened = (name: string, response: Response) => {
    expect({ name, nosniff: response.headers.get('x-content-type-options'), frames: response.headers.get('x-frame-options') }).toEqual({ name, nosniff: 'nosniff', frames: 'DENY' });
  };
  const expectNoStore = (name: string, response: Response) => {
    expectHardened(name, response);
    expect({ name, cacheControl: response.headers.get('cache-control') }).toEqual({ name, cacheControl: 'no-store' });
  };

  it('hardens every kind of answer: documents, errors, unknown routes, health', async () => {
    const url = server.url;
    const answers: [string, Promise<Response>][] = [
      ['metadata', fetch(`${url}/.well-known/oauth-authorization-server`)],
      ['resource metadata', fetch(`${url}/.well-known/oauth-protected-resource`)],
      ['jwks', fetch(`${url}/oauth/jwks`)],
      ['healthz', fetch(`${url}/healthz`)],
      ['readyz', fetch(`${url}/readyz`)],
      ['unknown route', fetch(`${url}/no/such/route`)],
      ['token endpoint GET', fetch(`${url}/oauth/token`)],
      ['bad JSON to the admin API', fetch(`${url}/admin/api/clients`, { method: 'POST', headers: { authorization: `Bearer ${'x'.repeat(20)}`, 'content-type': 'application/json' }, body: '{' })],
      ['admin list', server.admin('GET', '/clients')],
      ['user API without a token', fetch(`${url}/api/users`)],
      ['applications', fetch(`${url}/api/apps`, { headers: { authorization: `Bearer ${token}` } })],
    ];
    for (const [name, answer] of answers) {
      const response = await answer;
      await response.arrayBuffer();
      expectHardened(name, response);
    }
  });

  it('forbids caching wherever a token, secret or private key is returned, and on refusals', async () => {
    const url = server.url;
    const auth = { authorization: basicAuth(client.client_id, client.client_secret) };
    expectNoStore('token', await postForm(`${url}/oauth/token`, { grant_type: 'client_credentials' }, auth));
    expectNoStore('token error', await postForm(`${url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, 'wrong-secret-0123456789') }));
    expectNoStore('introspection', await postForm(`${url}/oauth/introspect`, { token }, auth));
    expectNoStore('user API', await fetch(`${url}/api/users`, { headers: { authorization: `Bearer ${token}` } }));
    expectNoStore('user API refusal', await fetch(`${url}/api/users`, { headers: { authorization: 'Bearer nope' } }));
    expectNoStore('client created', await server.admin('POST', '/clients', { client_name: 'another' }));
    expectNoStore('secret rotated', await server.admin('POST', `/clients/${client.client_id}/secret`, { grace_period: 3600 }));
    const pair = await server.admin('POST', `/clients/${client.client_id}/keys`, {});
    expectNoStore('key pair generated', pair);
    const { key, private_key_pem } = (await pair.json()) as { key: { kid: string }; private_key_pem: string };

    const now = Math.floor(Date.now() / 1000);
    const request = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(client.client_id)
      .setAudience(`${url}/api/auth/sign/ap/token`)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(createPrivateKey(private_key_pem));
    const appToken = await postForm(`${url}/api/auth/sign/ap/token`, { request }, auth);
    expect(appToken.status).toBe(200);
    expectNoStore('application token', appToken);
  });
});
