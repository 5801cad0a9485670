import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}
interface ErrorBody {
  error: string;
  error_description: string;
}

describe.each(STORES)('token endpoint (client_credentials) on %s', (store) => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };
  let tokenUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { resources: ['https://api.example.com'], maxTokenLifetime: 36_000 } });
    client = await server.createClient({ scope: 'read write' });
    tokenUrl = `${server.url}/oauth/token`;
  });
  afterAll(async () => {
    await server.close();
  });

  const basic = () => ({ authorization: basicAuth(client.client_id, client.client_secret) });

  async function expectError(response: Response, status: number, error: string): Promise<ErrorBody> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toBe(error);
    expect(typeof body.error_description).toBe('string');
    return body;
  }

  it('issues an RFC 9068 JWT with client_secret_basic, per RFC 6749 §5.1', async () => {
    const response = await postForm(tokenUrl, { grant_type: 'client_credentials' }, basic());
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = (await response.json()) as TokenBody;
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(7200);
    expect(body.scope).toBe('read write');
    expect(body.refresh_token).toBeUndefined();

    const jwks = (await (await fetch(`${server.url}/oauth/jwks`)).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: server.url,
      audience: server.url,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(jwks.keys.map((key) => key.kid)).toContain(protectedHeader.kid);
    expect(payload.sub).toBe(client.client_id);
    expect(payload.client_id).toBe(client.client_id);
    expect(payload.scope).toBe('read write');
    expect(payload.exp).toBe((payload.iat ?? 0) + 7200);
    expect(typeof payload.jti).toBe('string');
  });

  it('accepts client_secret_post and gives every token its own jti', async () => {
    const first = (await (await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret })).json()) as TokenBody;
    const second = (await (await postForm(tokenUrl, { grant_type: 'client_credentials' }, basic())).json()) as TokenBody;
    const jti = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }).jti;
    expect(jti(first.access_token)).not.toBe(jti(second.access_token));
  });

  it('form-urlencodes Basic credentials (RFC 6749 §2.3.1)', async () => {
    const odd = await server.createClient({ client_id: 'odd:id+x%y', client_secret: 'a+b%c:d e&f=g/h?i#j-0123456789' });
    const response = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basicAuth(odd.client_id, odd.client_secret) });
    expect(response.status).toBe(200);
  });

  it('narrows to a requested subset and refuses scopes beyond the client', async () => {
    const narrowed = (await (await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'read' }, basic())).json()) as TokenBody;
    expect(narrowed.scope).toBe('read');
    await expectError(await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'read admin' }, basic()), 400, 'invalid_scope');
  });

  it('sets the audience to a registered RFC 8707 resource and refuses others', async () => {
    const body = (await (await postForm(tokenUrl, { grant_type: 'client_credentials', resource: 'https://api.example.com' }, basic())).json()) as TokenBody;
    const payload = JSON.parse(Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString()) as { aud: string };
    expect(payload.aud).toBe('https://api.example.com');
    await expectError(await postForm(tokenUrl, { grant_type: 'client_credentials', resource: 'https://evil.example' }, basic()), 400, 'invalid_target');
  });

  it('refuses wrong secrets, unknown clients and missing authentication with invalid_client', async () => {
    const wrong = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, 'wrong-secret') });
    await expectError(wrong, 401, 'invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm="gatehouse"/);

    const unknown = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'whatever-secret-value' });
    await expectError(unknown, 401, 'invalid_client');
    expect(unknown.headers.get('www-authenticate')).toBeNull();

    await expectError(await postForm(tokenUrl, { grant_type: 'client_credentials' }), 401, 'invalid_client');
  });

  it('refuses disabled and expired clients, and lets them back in at once', async () => {
    const other = await server.createClient();
    const auth = { authorization: basicAuth(other.client_id, other.client_secret) };
    expect((await server.admin('PATCH', `/clients/${other.client_id}`, { enabled: false })).status).toBe(200);
    await expectError(await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth), 401, 'invalid_client');
    expect((await server.admin('PATCH', `/clients/${other.client_id}`, { enabled: true })).status).toBe(200);
    expect((await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth)).status).toBe(200);
    expect((await server.admin('PATCH', `/clients/${other.client_id}`, { expires_at: '2020-01-01T00:00:00Z' })).status).toBe(200);
    await expectError(await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth), 401, 'invalid_client');
  });

  it('answers every RFC 6749 §5.2 request error in JSON', async () => {
    await expectError(await postForm(tokenUrl, {}, basic()), 400, 'invalid_request');
    await expectError(await postForm(tokenUrl, 'grant_type=client_credentials&grant_type=client_credentials', basic()), 400, 'invalid_request');
    await expectError(await postForm(tokenUrl, 'grant_type=client_credentials&scope=read&scope=write', basic()), 400, 'invalid_request');
    await expectError(await postForm(tokenUrl, { grant_type: 'implicit' }, basic()), 400, 'unsupported_grant_type');
    // A client not registered for the code flow may not redeem codes (RFC 6749 §5.2).
    await expectError(await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x' }, basic()), 400, 'unauthorized_client');
    await expectError(await postForm(tokenUrl, { grant_type: 'client_credentials', client_secret: client.client_secret }, basic()), 400, 'invalid_request');
    const json = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...basic() }, body: '{"grant_type":"client_credentials"}' });
    await expectError(json, 400, 'invalid_request');
    const get = await fetch(`${tokenUrl}?grant_type=client_credentials`, { headers: basic() });
    await expectError(get, 405, 'invalid_request');
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses a grant type the client is not registered for with unauthorized_client', async () => {
    const passwordOnly = await server.createClient({ grant_types: ['password'] });
    const response = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basicAuth(passwordOnly.client_id, passwordOnly.client_secret) });
    await expectError(response, 400, 'unauthorized_client');
  });

  it('applies the client lifetime; 0 means the server maximum', async () => {
    const lifetimes: [number, number][] = [
      [60, 60],
      [0, 36_000],
      [36_000, 36_000],
    ];
    for (const [lifetime, expected] of lifetimes) {
      const short = await server.createClient({ access_token_lifetime: lifetime });
      const body = (await (await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basicAuth(short.client_id, short.client_secret) })).json()) as TokenBody;
      expect(body.expires_in).toBe(expected);
      const payload = JSON.parse(Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
      expect(payload.exp - payload.iat).toBe(expected);
    }
  });

  it('keeps the previous secret during the rotation grace period only', async () => {
    const rotating = await server.createClient();
    const rotated = (await (await server.admin('POST', `/clients/${rotating.client_id}/secret`, { grace_period: 3600 })).json()) as { client_secret: string };
    const tokenWith = (secret: string) => postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basicAuth(rotating.client_id, secret) });
    expect((await tokenWith(rotated.client_secret)).status).toBe(200);
    expect((await tokenWith(rotating.client_secret)).status).toBe(200);
    const again = (await (await server.admin('POST', `/clients/${rotating.client_id}/secret`, { grace_period: 0 })).json()) as { client_secret: string };
    expect((await tokenWith(again.client_secret)).status).toBe(200);
    expect((await tokenWith(rotated.client_secret)).status).toBe(401);
    expect((await tokenWith(rotating.client_secret)).status).toBe(401);
  });

  it('signs with a published key id', async () => {
    const body = (await (await postForm(tokenUrl, { grant_type: 'client_credentials' }, basic())).json()) as TokenBody;
    expect(decodeProtectedHeader(body.access_token).typ).toBe('at+jwt');
  });
});
