import { compactVerify, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_ALGS } from '../../src/shared/signing-algs.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

async function issue(server: TestServer, client: { client_id: string; client_secret: string }): Promise<string> {
  const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function jwksOf(server: TestServer): Promise<JSONWebKeySet> {
  return (await (await fetch(`${server.url}/oauth/jwks`)).json()) as JSONWebKeySet;
}

describe.each(SIGNING_ALGS)('access tokens signed with %s', (alg) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { signingAlg: alg } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('verify against the published JWKS with jose', async () => {
    const token = await issue(server, await server.createClient());
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwksOf(server)), { issuer: server.url, audience: server.url, typ: 'at+jwt' });
    expect(protectedHeader.alg).toBe(alg);
  });
});

describe.each(STORES)('signing-key rotation on %s', (store) => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };
  beforeAll(async () => {
    server = await startTestServer({ store });
    client = await server.createClient();
  });
  afterAll(async () => {
    await server.close();
  });

  it('publishes a delayed key before it signs, then signs with it and keeps the old key', async () => {
    const before = await issue(server, client);
    const oldKid = decodeProtectedHeader(before).kid;

    const rotated = await server.admin('POST', '/keys/rotate', { activation_delay: 3600 });
    expect(rotated.status).toBe(201);
    const next = (await rotated.json()) as { kid: string; state: string };
    expect(next.state).toBe('next');
    expect((await jwksOf(server)).keys.map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, next.kid]));
    expect(decodeProtectedHeader(await issue(server, client)).kid).toBe(oldKid);

    const now = (await (await server.admin('POST', '/keys/rotate', { activation_delay: 0 })).json()) as { kid: string; state: string };
    expect(now.state).toBe('active');
    const after = await issue(server, client);
    expect(decodeProtectedHeader(after).kid).toBe(now.kid);

    const jwks = createLocalJWKSet(await jwksOf(server));
    await compactVerify(before, jwks);
    await compactVerify(after, jwks);
    const introspection = await postForm(`${server.url}/oauth/introspect`, { token: before }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(((await introspection.json()) as { active: boolean }).active).toBe(true);

    const keys = (await (await server.admin('GET', '/keys')).json()) as { keys: { kid: string; state: string }[] };
    expect(keys.keys.find((key) => key.kid === oldKid)?.state).toBe('retired');
    expect(keys.keys.find((key) => key.kid === now.kid)?.state).toBe('active');
  });
});
