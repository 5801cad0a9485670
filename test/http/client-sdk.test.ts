import { fileURLToPath } from 'node:url';
import { decodeJwt, exportJWK, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientAssertion, GatehouseClient, GatehouseOAuthError, GatehouseResponseError, requestAppToken, type GatehouseClientOptions } from '../../src/client-sdk/index.js';
import { recordingFetch, type RecordingFetch } from '../helpers/recording-fetch.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../examples/commands', import.meta.url));

describe.each(STORES)('client SDK against a real server on %s', (store) => {
  let server: TestServer;
  let service: { client_id: string; client_secret: string };
  let recorder: RecordingFetch;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { commandsDir: COMMANDS_DIR } });
    service = await server.createClient({ scope: 'read users demo', access_token_lifetime: 100 });
    await server.admin('POST', '/users', { username: 'ivy', password: 'ivy password 1' });
  });
  afterAll(async () => {
    await server.close();
  });

  /** A client of `service` whose requests are recorded. */
  const clientFor = (options: Partial<GatehouseClientOptions> = {}) => {
    recorder = recordingFetch();
    return new GatehouseClient({ issuer: server.url, credentials: { clientId: service.client_id, clientSecret: service.client_secret }, fetch: recorder.fetch, ...options });
  };
  const tokenRequests = () => recorder.to('/oauth/token');

  it('discovers the token endpoint from the metadata once', async () => {
    const client = clientFor({ issuer: `${server.url}/` });
    const metadata = await client.metadata();
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.token_endpoint).toBe(`${server.url}/oauth/token`);
    await client.getToken('read');
    await client.getToken('users');
    expect(recorder.to('/.well-known/oauth-authorization-server')).toHaveLength(1);
    expect(tokenRequests()).toHaveLength(2);

    const elsewhere = new GatehouseClient({ issuer: `${server.url}/tenant`, credentials: { clientId: 'x', clientSecret: 'y' } });
    await expect(elsewhere.getToken()).rejects.toBeInstanceOf(GatehouseResponseError);
  });

  it('authenticates with the secret by HTTP Basic (default) or in the form body', async () => {
    const basic = clientFor();
    expect(decodeJwt(await basic.getToken('read'))).toMatchObject({ client_id: service.client_id, scope: 'read' });
    expect(tokenRequests()[0]?.authorization).toBe(basicAuth(service.client_id, service.client_secret));
    expect(tokenRequests()[0]?.form?.get('client_secret')).toBeNull();

    const post = clientFor({ credentials: { clientId: service.client_id, clientSecret: service.client_secret, method: 'client_secret_post' } });
    expect(decodeJwt(await post.getToken('read'))).toMatchObject({ client_id: service.client_id });
    const [request] = tokenRequests();
    expect(request?.authorization).toBeNull();
    expect(Object.fromEntries(request?.form ?? [])).toEqual({ grant_type: 'client_credentials', scope: 'read', client_id: service.client_id, client_secret: service.client_secret });

    const wrong = clientFor({ credentials: { clientId: service.client_id, clientSecret: 'not the secret' } });
    const error = await wrong.getToken('read').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseOAuthError);
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    await expect(clientFor().getToken('admin-only')).rejects.toMatchObject({ error: 'invalid_scope', status: 400 });
  });

  it('authenticates with private_key_jwt: PEM, JWK and EdDSA keys, a fresh assertion per request', async () => {
    const keyClient = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', scope: 'read users' });
    const es256 = (await (await server.admin('POST', `/clients/${keyClient.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const client = clientFor({ credentials: { clientId: keyClient.client_id, privateKey: es256.private_key_pem, kid: es256.key.kid } });
    expect(decodeJwt(await client.getToken('read')).client_id).toBe(keyClient.client_id);
    expect(decodeJwt(await client.getToken('users')).scope).toBe('users');
    const assertions = tokenRequests().map((request) => request.form?.get('client_assertion') ?? '');
    expect(assertions).toHaveLength(2);
    const claims = assertions.map((assertion) => decodeJwt(assertion));
    expect(claims[0]).toMatchObject({ iss: keyClient.client_id, sub: keyClient.client_id, aud: `${server.url}/oauth/token` });
    expect(claims[0]?.jti).not.toBe(claims[1]?.jti);
    expect((claims[0]?.exp ?? 0) - (claims[0]?.iat ?? 0)).toBe(60);
    expect(tokenRequests()[0]?.form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');

    const jwk = await exportJWK(await importPKCS8(es256.private_key_pem, 'ES256', { extractable: true }));
    const withJwk = clientFor({ credentials: { clientId: keyClient.client_id, privateKey: jwk, kid: es256.key.kid } });
    expect(decodeJwt(await withJwk.getToken('read')).client_id).toBe(keyClient.client_id);

    const ed = (await (await server.admin('POST', `/clients/${keyClient.client_id}/keys`, { alg: 'EdDSA' })).json()) as { key: { kid: string }; private_key_pem: string };
    const withEd = clientFor({ credentials: { clientId: keyClient.client_id, privateKey: ed.private_key_pem, kid: ed.key.kid, alg: 'EdDSA' } });
    expect(decodeJwt(await withEd.getToken('read')).client_id).toBe(keyClient.client_id);

    // The helper on its own, against the token endpoint.
    const assertion = await createClientAssertion({ clientId: keyClient.client_id, audience: `${server.url}/oauth/token`, privateKey: es256.private_key_pem, kid: es256.key.kid });
    const form = { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
    expect((await postForm(`${server.url}/oauth/token`, form)).status).toBe(200);
    expect((await postForm(`${server.url}/oauth/token`, form)).status).toBe(401); // single use

    const wrongKid = clientFor({ credentials: { clientId: keyClient.client_id, privateKey: es256.private_key_pem, kid: 'no-such-key' } });
    await expect(wrongKid.getToken('read')).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('caches tokens per normalised scope: a second call makes no token request', async () => {
    const client = clientFor();
    const first = await client.getToken('users read');
    expect(await client.getToken('read users')).toBe(first);
    expect(await client.getToken(['users', 'read', 'read'])).toBe(first);
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]?.form?.get('scope')).toBe('read users');
    const other = await client.getToken('read');
    expect(other).not.toBe(first);
    expect(tokenRequests()).toHaveLength(2);
    expect((await client.getAccessToken('read')).scope).toBe('read');
  });

  it('renews a token before it expires (by default the smaller of 30 s and 10% of its lifetime)', async () => {
    let clock = Date.now();
    const client = clientFor({ now: () => clock });
    const first = await client.getAccessToken('read');
    // The service's tokens live 100 s: renewed from 90 s on.
    expect((first.expiresAt ?? 0) - clock).toBe(100_000);
    clock += 89_000;
    expect(await client.getToken('read')).toBe(first.accessToken);
    clock += 2_000;
    const renewed = await client.getToken('read');
    expect(renewed).not.toBe(first.accessToken);
    expect(decodeJwt(renewed).jti).not.toBe(decodeJwt(first.accessToken).jti);
    expect(tokenRequests()).toHaveLength(2);

    let early = Date.now();
    const eager = clientFor({ now: () => early, renewBeforeSeconds: 60, renewBeforeFraction: 0.5 });
    const token = await eager.getToken('read');
    early += 49_000;
    expect(await eager.getToken('read')).toBe(token);
    early += 2_000;
    expect(await eager.getToken('read')).not.toBe(token);
  });

  it('deduplicates concurrent requests for the same scope: 10 calls, one token request', async () => {
    const client = clientFor();
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, index) => client.getToken(index % 2 === 0 ? 'read users' : 'users read')));
    expect(new Set(tokens).size).toBe(1);
    expect(tokenRequests()).toHaveLength(1);
    // A failed request is not cached: the next call tries again.
    const wrong = clientFor({ credentials: { clientId: service.client_id, clientSecret: 'wrong secret' } });
    const failures = await Promise.allSettled(Array.from({ length: 5 }, () => wrong.getToken('read')));
    expect(failures.every((result) => result.status === 'rejected')).toBe(true);
    expect(tokenRequests()).toHaveLength(1);
    await expect(wrong.getToken('read')).rejects.toBeInstanceOf(GatehouseOAuthError);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('uses the password grant, then the refresh token, and falls back to the password when the refresh token is refused', async () => {
    const app = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile' });
    const users = (await (await server.admin('GET', '/users?search=ivy')).json()) as { users: { id: string }[] };
    const ivy = users.users[0]!.id;
    let clock = Date.now();
    const client = clientFor({
      credentials: { clientId: app.client_id, clientSecret: app.client_secret },
      user: { username: 'ivy', password: 'ivy password 1' },
      now: () => clock,
      scope: 'profile offline_access',
    });
    const first = await client.getToken();
    expect(decodeJwt(first)).toMatchObject({ sub: ivy, username: 'ivy', client_id: app.client_id });
    expect(tokenRequests()[0]?.form?.get('grant_type')).toBe('password');

    clock += 7_200_000;
    const refreshed = await client.getToken();
    expect(refreshed).not.toBe(first);
    const refreshRequest = tokenRequests()[1]?.form;
    expect(refreshRequest?.get('grant_type')).toBe('refresh_token');
    expect(refreshRequest?.get('scope')).toBe('offline_access profile');
    expect(decodeJwt(refreshed)).toMatchObject({ sub: ivy, scope: 'offline_access profile' });

    // Setting the password revokes the user's refresh tokens: the SDK falls back to the password grant.
    expect((await server.admin('POST', `/users/${ivy}/password`, { password: 'ivy password 1' })).status).toBe(204);
    clock += 7_200_000;
    const again = await client.getToken();
    expect(decodeJwt(again).sub).toBe(ivy);
    expect(
      tokenRequests()
        .slice(2)
        .map((request) => request.form?.get('grant_type')),
    ).toEqual(['refresh_token', 'password']);

    const wrongPassword = clientFor({ credentials: { clientId: app.client_id, clientSecret: app.client_secret }, user: { username: 'ivy', password: 'wrong' } });
    await expect(wrongPassword.getToken()).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('request() attaches the token and, on 401 invalid_token, retries once with a fresh one', async () => {
    const client = clientFor({ scope: 'users' });
    const first = await client.request(`${server.url}/api/users`);
    expect(first.status).toBe(200);
    const revoked = await client.getToken();
    expect(recorder.to('/api/users')[0]?.authorization).toBe(`Bearer ${revoked}`);
    const revocation = await postForm(`${server.url}/oauth/revoke`, { token: revoked }, { authorization: basicAuth(service.client_id, service.client_secret) });
    expect(revocation.status).toBe(200);

    const retried = await client.request(`${server.url}/api/users`, { headers: { accept: 'application/json' } });
    expect(retried.status).toBe(200);
    const calls = recorder.to('/api/users');
    expect(calls).toHaveLength(3);
    expect(calls[1]?.authorization).toBe(`Bearer ${revoked}`);
    expect(calls[2]?.authorization).not.toBe(`Bearer ${revoked}`);
    expect(tokenRequests()).toHaveLength(2);
    expect(await client.getToken()).not.toBe(revoked);

    // Retries once only: a token that is refused again is answered as it came.
    const junk = new GatehouseClient({
      issuer: server.url,
      credentials: { clientId: service.client_id, clientSecret: service.client_secret },
      scope: 'users',
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        if (headers.get('authorization')?.startsWith('Bearer ')) headers.set('authorization', 'Bearer junk');
        return fetch(input, { ...init, headers });
      },
    });
    const refused = await junk.request(`${server.url}/api/users`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('request() upgrades the scope on 403 insufficient_scope and remembers it for the resource', async () => {
    const client = clientFor({ scope: 'read' });
    const users = await client.request(`${server.url}/api/users`);
    expect(users.status).toBe(200);
    const calls = recorder.to('/api/users');
    expect(calls).toHaveLength(2);
    expect(decodeJwt(calls[0]!.authorization!.slice(7)).scope).toBe('read');
    expect(decodeJwt(calls[1]!.authorization!.slice(7)).scope).toBe('users');
    expect(tokenRequests().map((request) => request.form?.get('scope'))).toEqual(['read', 'users']);

    expect((await client.request(`${server.url}/api/users?limit=1`)).status).toBe(200);
    expect(recorder.to('/api/users')).toHaveLength(3); // straight with the scope the resource asked for
    expect(tokenRequests()).toHaveLength(2);

    // A server command, with a JSON body sent again on the retry.
    const echo = await client.request(`${server.url}/api/apps/demo/commands/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'hello' }) });
    expect(echo.status).toBe(200);
    expect(await echo.json()).toEqual({ echo: 'hello', caller: service.client_id });
    expect(tokenRequests().map((request) => request.form?.get('scope'))).toEqual(['read', 'users', 'demo']);

    // A scope the client may not have (the command declares demo:write): request() throws the token request's error.
    const refused = await client
      .request(`${server.url}/api/apps/demo/commands/reserve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seat":"1A"}' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatehouseOAuthError);
    expect(refused).toMatchObject({ error: 'invalid_scope', status: 400 });
    expect(tokenRequests().map((request) => request.form?.get('scope'))).toEqual(['read', 'users', 'demo', 'demo:write']);

    // A Request object with a body works the same (its body is kept for the retry).
    const fresh = clientFor({ scope: 'read' });
    const asRequest = await fresh.request(
      new Request(`${server.url}/api/apps/demo/commands/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'again' }) }),
    );
    expect(asRequest.status).toBe(200);
    expect(await asRequest.json()).toMatchObject({ echo: 'again' });
  });

  it('request() with a stream body cannot retry: the 403 comes back as it is, and the scope is learnt for the next call', async () => {
    const client = clientFor({ scope: 'read' });
    const url = `${server.url}/api/apps/demo/commands/echo`;
    const stream = new Blob([JSON.stringify({ message: 'streamed' })]).stream();
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit;
    const refused = await client.request(url, init);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="demo"');
    expect(recorder.to('/api/apps/demo/commands/echo')).toHaveLength(1);
    // No token was requested for the new scope yet.
    expect(tokenRequests().map((request) => request.form?.get('scope'))).toEqual(['read']);

    const next = await client.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'now' }) });
    expect(next.status).toBe(200);
    expect(recorder.to('/api/apps/demo/commands/echo')).toHaveLength(2);
  });

  it('request() with a stream body and a revoked token: the 401 comes back as it is, the token is dropped for the next call', async () => {
    const client = clientFor({ scope: 'demo' });
    const revoked = await client.getToken();
    await postForm(`${server.url}/oauth/revoke`, { token: revoked }, { authorization: basicAuth(service.client_id, service.client_secret) });
    const url = `${server.url}/api/apps/demo/commands/echo`;
    const body = new Blob([JSON.stringify({ message: 'streamed' })]).stream();
    const refused = await client.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' });
    expect(refused.status).toBe(401);
    expect(recorder.to('/api/apps/demo/commands/echo')).toHaveLength(1);
    const next = await client.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'now' }) });
    expect(next.status).toBe(200);
    expect(recorder.to('/api/apps/demo/commands/echo')[1]?.authorization).not.toBe(`Bearer ${revoked}`);
  });

  it('revokes its tokens at the server', async () => {
    const client = clientFor({ scope: 'users' });
    const token = await client.getToken();
    await client.revokeTokens();
    const introspection = await postForm(`${server.url}/oauth/introspect`, { token }, { authorization: basicAuth(service.client_id, service.client_secret) });
    expect(await introspection.json()).toEqual({ active: false });
    expect(await client.getToken()).not.toBe(token);
  });

  it('requests an application token with the helper (PEM or JWK key, user and scope)', async () => {
    const app = await server.createClient({ scope: 'users portal', may_act_for_users: true });
    const generated = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const recording = recordingFetch();
    const response = await requestAppToken({
      issuer: server.url,
      clientId: app.client_id,
      clientSecret: app.client_secret,
      privateKey: generated.private_key_pem,
      kid: generated.key.kid,
      sub: 'ivy',
      scope: 'portal',
      fetch: recording.fetch,
    });
    // camelCase like every result of gatehouse/client; the 0.1 names still read, but are not enumerated.
    expect(Object.keys(response).sort()).toEqual(['accessToken', 'expiresAt', 'expiresIn', 'scope', 'tokenType']);
    expect(response).toMatchObject({ tokenType: 'Bearer', scope: 'portal', expiresIn: expect.any(Number) as number });
    expect(response.expiresAt).toBeGreaterThan(Date.now());
    expect(decodeJwt(response.accessToken)).toMatchObject({ username: 'ivy', client_id: app.client_id });
    expect([response.access_token, response.token_type, response.expires_in]).toEqual([response.accessToken, 'Bearer', response.expiresIn]);
    expect(JSON.stringify(response)).not.toContain('access_token');
    const request = recording.to('/api/auth/sign/ap/token')[0];
    expect(request?.authorization).toBe(basicAuth(app.client_id, app.client_secret));
    expect(decodeJwt(request?.form?.get('request') ?? '')).toMatchObject({ iss: app.client_id, aud: `${server.url}/api/auth/sign/ap/token`, sub: 'ivy', scope: 'portal' });

    const jwk = await exportJWK(await importPKCS8(generated.private_key_pem, 'ES256', { extractable: true }));
    const viaJwk = await requestAppToken({ issuer: server.url, clientId: app.client_id, clientSecret: app.client_secret, privateKey: jwk, kid: generated.key.kid });
    expect(decodeJwt(viaJwk.accessToken).sub).toBe(app.client_id);
    const refused = await requestAppToken({ issuer: server.url, clientId: app.client_id, clientSecret: 'wrong-secret-value', privateKey: jwk, kid: generated.key.kid }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(GatehouseOAuthError);
    expect(refused).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});
