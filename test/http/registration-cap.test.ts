import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const CAP = 5;
const BURST = 40;

describe.each(STORES)('registrations per initial access token on %s', (store) => {
  let server: TestServer;
  let publicJwk: Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { registrationsPerInitialAccessToken: CAP, registrationRateLimitPerAddress: 0 } });
    expect((await server.admin('PUT', '/profiles/instances', { registration_enabled: true })).status).toBe(201);
    publicJwk = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: 'instance-key-1', alg: 'ES256' };
  });
  afterAll(async () => {
    await server.close();
  });

  const newToken = async () => (await (await server.admin('POST', '/profiles/instances/initial-access-tokens', {})).json()) as { id: string; token: string };
  const register = (token: string, body: unknown = { jwks: { keys: [publicJwk] } }) =>
    fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it(`lets a burst of ${BURST} concurrent registrations with one token register at most ${CAP} instances`, async () => {
    const { id, token } = await newToken();
    const responses = await Promise.all(Array.from({ length: BURST }, () => register(token)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(CAP);
    expect(statuses.filter((status) => status === 401)).toHaveLength(BURST - CAP);
    const refused = responses.find((response) => response.status === 401);
    expect(refused?.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(((await refused?.json()) as { error: string }).error).toBe('invalid_token');

    const listed = (await (await server.admin('GET', '/profiles/instances/initial-access-tokens')).json()) as { initial_access_tokens: { id: string; registrations: number }[] };
    expect(listed.initial_access_tokens.find((entry) => entry.id === id)?.registrations).toBe(CAP);
    const clients = (await (await server.admin('GET', '/clients?limit=500')).json()) as { clients: { profile?: string | null }[] };
    expect(clients.clients.filter((client) => client.profile === 'instances')).toHaveLength(CAP);
  });

  it('counts per token, and does not count refused registrations', async () => {
    const { id, token } = await newToken();
    expect((await register(token, { jwks: { keys: [] } })).status).toBe(400);
    expect((await register(token)).status).toBe(201);
    const listed = (await (await server.admin('GET', '/profiles/instances/initial-access-tokens')).json()) as { initial_access_tokens: { id: string; registrations: number }[] };
    expect(listed.initial_access_tokens.find((entry) => entry.id === id)?.registrations).toBe(1);
  });
});
