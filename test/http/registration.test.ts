import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';
import { CLIENT_ASSERTION_TYPE, clientAssertion } from '../helpers/client-assertion.js';

interface ErrorBody {
  error: string;
  error_description: string;
}
interface Registered {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  jwks: { keys: { kid?: string }[] };
  client_id_issued_at: number;
}

describe.each(STORES)('app-instance registration (RFC 7591) on %s', (store) => {
  let server: TestServer;
  let initialToken: string;
  let tokenId: string;
  let privateKey: CryptoKey;
  let publicJwk: Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer({ store });
    expect((await server.admin('PUT', '/profiles/instances', { registration_enabled: true, max_token_expiration: 600, scope_element_mapping: { device: ['ClientKey'] } })).status).toBe(201);
    const created = await server.admin('POST', '/profiles/instances/initial-access-tokens', { description: 'shipped with app 1.0' });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; token: string; profile: string };
    expect(body.profile).toBe('instances');
    initialToken = body.token;
    tokenId = body.id;
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'instance-key-1', alg: 'ES256' };
  });
  afterAll(async () => {
    await server.close();
  });

  function register(body: unknown, token: string | null = initialToken, contentType = 'application/json'): Promise<Response> {
    return fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
  async function expectError(response: Response, status: number, error: string): Promise<ErrorBody> {
    const body = (await response.json()) as ErrorBody;
    expect(response.status, JSON.stringify(body)).toBe(status);
    expect(body.error).toBe(error);
    expect(typeof body.error_description).toBe('string');
    return body;
  }

  it('lists initial access tokens without the token, and advertises the endpoint', async () => {
    const list = await (await server.admin('GET', '/profiles/instances/initial-access-tokens')).text();
    expect(JSON.parse(list)).toMatchObject({ initial_access_tokens: [{ id: tokenId, description: 'shipped with app 1.0', revoked_at: null }] });
    expect(list).not.toContain(initialToken);
    expect(list).not.toMatch(/digest/);
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.registration_endpoint).toBe(`${server.url}/oauth/register`);
    expect((await server.admin('POST', '/profiles/nope/initial-access-tokens', {})).status).toBe(404);
    expect((await server.admin('POST', '/profiles/instances/initial-access-tokens', { expires_in: 5 })).status).toBe(400);
  });

  it('refuses registration without a valid initial access token (401 invalid_token)', async () => {
    const none = await register({ jwks: { keys: [publicJwk] } }, null);
    await expectError(none, 401, 'invalid_token');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await register({ jwks: { keys: [publicJwk] } }, 'not-a-real-initial-access-token');
    await expectError(wrong, 401, 'invalid_token');
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses bad metadata with invalid_client_metadata, software statements and non-JSON bodies', async () => {
    await expectError(await register({ client_name: 'no keys' }), 400, 'invalid_client_metadata');
    await expectError(await register({ jwks: { keys: [] } }), 400, 'invalid_client_metadata');
    await expectError(await register({ jwks: { keys: [{ ...publicJwk, d: 'private' }] } }), 400, 'invalid_client_metadata');
    await expectError(await register({ jwks_uri: 'https://example.com/jwks' }), 400, 'invalid_client_metadata');
    await expectError(await register({ jwks: { keys: [publicJwk] }, token_endpoint_auth_method: 'client_secret_basic' }), 400, 'invalid_client_metadata');
    await expectError(await register({ jwks: { keys: [publicJwk] }, grant_types: ['password'] }), 400, 'invalid_client_metadata');
    await expectError(await register({ jwks: { keys: [publicJwk] }, software_statement: 'eyJ...' }), 400, 'invalid_software_statement');
    await expectError(await register('[1, 2]'), 400, 'invalid_request');
    await expectError(await register('{"broken'), 400, 'invalid_request');
    await expectError(await register('jwks=x', initialToken, 'application/x-www-form-urlencoded'), 415, 'invalid_request');
  });

  it('registers an instance that then authenticates with private_key_jwt under its profile', async () => {
    const response = await register({ client_name: 'Kiosk 12', jwks: { keys: [publicJwk] }, scope: 'anything', unknown_field: 1 });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const registered = (await response.json()) as Registered;
    expect(registered.client_secret).toBeUndefined();
    expect(registered).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys: [{ kid: 'instance-key-1' }] } });
    const admin = (await (await server.admin('GET', `/clients/${registered.client_id}`)).json()) as { profile: string; client_name: string; scope: string };
    expect(admin).toMatchObject({ profile: 'instances', client_name: 'Kiosk 12', scope: '' });

    const assertion = await clientAssertion(server.url, registered.client_id, privateKey, { alg: 'ES256', kid: 'instance-key-1' });
    const token = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'device', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion });
    const body = (await token.json()) as { scope?: string; expires_in?: number };
    expect(token.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ scope: 'device', expires_in: 600 });
  });

  it('stops accepting a token once it is revoked, or once registration is off for its profile', async () => {
    const second = (await (await server.admin('POST', '/profiles/instances/initial-access-tokens', {})).json()) as { id: string; token: string };
    expect((await register({ jwks: { keys: [publicJwk] } }, second.token)).status).toBe(201);
    expect((await server.admin('DELETE', `/profiles/instances/initial-access-tokens/${second.id}`)).status).toBe(204);
    await expectError(await register({ jwks: { keys: [publicJwk] } }, second.token), 401, 'invalid_token');
    expect((await server.admin('DELETE', '/profiles/instances/initial-access-tokens/no-such-id')).status).toBe(404);

    expect((await server.admin('PATCH', '/profiles/instances', { registration_enabled: false })).status).toBe(200);
    const off = await expectError(await register({ jwks: { keys: [publicJwk] } }), 401, 'invalid_token');
    expect(off.error_description).toContain('turned off');
    expect((await server.admin('PATCH', '/profiles/instances', { registration_enabled: true })).status).toBe(200);
    expect((await register({ jwks: { keys: [publicJwk] } })).status).toBe(201);
  });
});

describe('app-instance registration rate limit', () => {
  it('answers 429 with Retry-After beyond the per-address limit', async () => {
    const server = await startTestServer({ store: 'sqlite', config: { registrationRateLimitPerAddress: 2 } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let attempt = 0; attempt < 3; attempt++) {
        last = await fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, body: '{}' });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await last?.json()) as ErrorBody).error).toBe('too_many_requests');
    } finally {
      await server.close();
    }
  });

  it('counts nothing when the limit is 0', async () => {
    const server = await startTestServer({ store: 'sqlite', config: { registrationRateLimitPerAddress: 0 } });
    try {
      for (let attempt = 0; attempt < 25; attempt++) {
        const response = await fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, body: '{}' });
        expect(response.status).toBe(401);
      }
    } finally {
      await server.close();
    }
  });
});
