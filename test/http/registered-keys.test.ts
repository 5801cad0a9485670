import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';
import { CLIENT_ASSERTION_TYPE, clientAssertion } from '../helpers/client-assertion.js';

interface ErrorBody {
  error: string;
  error_description: string;
  field?: string;
}

describe.each(STORES)('keys registered on clients, on %s', (store) => {
  let server: TestServer;
  let initialToken: string;
  let publicJwk: Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { registrationRateLimitPerAddress: 0 } });
    expect((await server.admin('PUT', '/profiles/instances', { registration_enabled: true })).status).toBe(201);
    initialToken = ((await (await server.admin('POST', '/profiles/instances/initial-access-tokens', {})).json()) as { token: string }).token;
    publicJwk = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: 'instance-key-1', alg: 'ES256' };
  });
  afterAll(async () => {
    await server.close();
  });

  const register = (body: unknown, token = initialToken) =>
    fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const rsa = (publicExponent: number, modulusLength = 2048) => generateKeyPairSync('rsa', { modulusLength, publicExponent }).publicKey.export({ format: 'jwk' });

  it('refuses weak or referencing keys at registration, and stores only the members a verification key needs', async () => {
    const hugeExponent = Buffer.alloc(250, 0xff).toString('base64url');
    for (const [key, reason] of [
      [{ ...rsa(65537), e: hugeExponent }, /exponent 65537/],
      [rsa(3), /exponent 65537/],
      [rsa(65537, 1024), /2048 bits to 4096 bits/],
      [{ ...publicJwk, jku: 'https://attacker.example/jwks' }, /jku/],
      [{ ...publicJwk, x5u: 'https://attacker.example/cert' }, /x5u/],
      [{ ...publicJwk, use: 'enc' }, /use must be sig/],
      [{ ...publicJwk, kid: 'key 1' }, /kid must be/],
    ] as const) {
      const response = await register({ jwks: { keys: [key] } });
      const body = (await response.json()) as ErrorBody;
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(body.error).toBe('invalid_client_metadata');
      expect(body.error_description).toMatch(reason);
    }
    const response = await register({ jwks: { keys: [{ ...publicJwk, key_ops: ['verify'], x5t: 'abc', note: 'dropped' }] } });
    expect(response.status).toBe(201);
    const registered = (await response.json()) as { client_id: string; jwks: { keys: Record<string, unknown>[] } };
    const members = ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'];
    expect(Object.keys(registered.jwks.keys[0] ?? {}).sort()).toEqual(members);
    const stored = (await (await server.admin('GET', `/clients/${registered.client_id}/keys`)).json()) as { keys: Record<string, unknown>[] };
    expect(Object.keys(stored.keys[0] ?? {}).sort()).toEqual(members);
  });

  it('refuses the same keys through the admin API, as a key, as PEM and in the raw jwks field', async () => {
    const client = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'] });
    const rsa3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey;
    for (const key of [rsa3.export({ format: 'jwk' }), rsa3.export({ format: 'pem', type: 'spki' }).toString(), { ...publicJwk, x5c: ['MIIB'] }]) {
      const response = await server.admin('POST', `/clients/${client.client_id}/keys`, { key });
      const body = (await response.json()) as ErrorBody;
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(body.field).toBe('key');
    }
    const raw = await server.admin('PATCH', `/clients/${client.client_id}`, { jwks: { keys: [{ ...publicJwk, jku: 'https://attacker.example/jwks' }] } });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as ErrorBody).error_description).toMatch(/jku/);
    const badKid = await server.admin('POST', `/clients/${client.client_id}/keys`, { key: publicJwk, kid: 'a/b' });
    expect(badKid.status).toBe(400);
    expect(((await badKid.json()) as ErrorBody).error_description).toMatch(/kid must be/);
    expect((await server.admin('POST', `/clients/${client.client_id}/keys`, { key: publicJwk, kid: 'good.kid_1-a' })).status).toBe(201);
  });

  it('does not verify with a weak key stored before keys were checked, even when it names its alg', async () => {
    const client = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'] });
    const tokenWith = async (pair: { publicKey: KeyObject; privateKey: KeyObject }) => {
      // Written straight into the store, as an older version (which did not check keys) may have left it.
      const jwks = JSON.stringify({ keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: 'legacy', alg: 'RS256', use: 'sig' }] });
      await server.gatehouse.store.db.updateTable('clients').set({ jwks }).where('client_id', '=', client.client_id).execute();
      await server.gatehouse.directory.refresh(client.client_id);
      const assertion = await clientAssertion(server.url, client.client_id, pair.privateKey, { alg: 'RS256', kid: 'legacy' });
      return postForm(`${server.url}/oauth/token`, {
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
      });
    };
    // The same path with a sound key gives a token, so the refusal below is the key's.
    expect((await tokenWith(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 }))).status).toBe(200);
    const weak = await tokenWith(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }));
    expect(weak.status).toBe(401);
    expect(((await weak.json()) as ErrorBody).error).toBe('invalid_client');
  });
});
