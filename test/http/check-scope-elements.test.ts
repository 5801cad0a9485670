import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';
import { CLIENT_ASSERTION_TYPE, clientAssertion } from '../helpers/client-assertion.js';

interface Body {
  error?: string;
  error_description?: string;
  access_token?: string;
}

/**
 * A scope element named after a security check is granted only to a client allowed that element (its
 * allowed scopes, or its profile's mapping): otherwise any client could use the token endpoint to test
 * users' passwords through UserLogin, outside the password grant's limits, and lock users out.
 */
describe.each(STORES)('scope elements named after a security check on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
    expect((await server.admin('POST', '/users', { username: 'victim', password: 'victim password 1' })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  const userLogin = (password: string) => ({ scope: 'UserLogin', challenge_response: JSON.stringify({ UserLogin: { username: 'victim', password } }) });

  async function failedAttemptsOfVictim(): Promise<number> {
    return (await server.gatehouse.usersRepository.findByUsername('victim'))!.failedAttempts;
  }

  it('refuses UserLogin to a client_credentials client whose scopes do not name it, before any password check', async () => {
    const client = await server.createClient({ grant_types: ['client_credentials'], scope: 'read' });
    for (const password of ['guess 1', 'guess 2', 'guess 3', 'guess 4', 'guess 5', 'guess 6', 'victim password 1']) {
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', ...userLogin(password) }, { authorization: basicAuth(client.client_id, client.client_secret) });
      const body = (await response.json()) as Body;
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(body.error).toBe('invalid_scope');
    }
    // Nothing was counted against the user: the path can neither guess nor lock.
    expect(await failedAttemptsOfVictim()).toBe(0);
  });

  it('still lets a client whose allowed scopes name UserLogin answer it', async () => {
    const client = await server.createClient({ grant_types: ['client_credentials'], scope: 'read UserLogin' });
    const response = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'client_credentials', ...userLogin('victim password 1') },
      { authorization: basicAuth(client.client_id, client.client_secret) },
    );
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it('refuses UserLogin to an app instance whose profile does not map it, and grants it where the profile does', async () => {
    for (const [profile, mapping] of [
      ['devices', { device: ['ClientKey'] }],
      ['logins', { UserLogin: ['UserLogin'] }],
    ] as const) {
      expect((await server.admin('PUT', `/profiles/${profile}`, { registration_enabled: true, scope_element_mapping: mapping })).status).toBe(201);
    }
    const statusFor = async (profile: string): Promise<{ status: number; body: Body }> => {
      const initial = (await (await server.admin('POST', `/profiles/${profile}/initial-access-tokens`, { description: 'shipped' })).json()) as { token: string };
      const pair = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
      const registered = await fetch(`${server.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${initial.token}` },
        body: JSON.stringify({ jwks: { keys: [jwk] } }),
      });
      expect(registered.status).toBe(201);
      const { client_id: clientId } = (await registered.json()) as { client_id: string };
      const assertion = await clientAssertion(server.url, clientId, pair.privateKey, { alg: 'ES256', kid: 'k1' });
      const response = await postForm(`${server.url}/oauth/token`, {
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
        ...userLogin('victim password 1'),
      });
      return { status: response.status, body: (await response.json()) as Body };
    };
    const refused = await statusFor('devices');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_scope');
    const granted = await statusFor('logins');
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
  });
});
