import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface ErrorBody {
  error: string;
  error_description: string;
}
interface Registered {
  client_id: string;
  client_id_issued_at: number;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
}
interface AdminClient {
  token_endpoint_auth_method: string;
  skip_consent: boolean;
  may_act_for_users: boolean;
  refresh_tokens: boolean;
  profile: string | null;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  scope: string;
}

const PROFILE = 'mcp';
const MAPPING = { notes: [], calendar: ['UserLogin'] };
const CALLBACK = 'http://127.0.0.1/callback';

/** What an MCP client sends (RFC 7591 §3.1): a public client of the code flow with a loopback redirect URI. */
const publicClient = (extra: Record<string, unknown> = {}) => ({
  client_name: 'Notes MCP client',
  redirect_uris: [CALLBACK, 'com.example.notes:/oauth'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

function register(server: TestServer, body: unknown, token?: string): Promise<Response> {
  return fetch(`${server.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
}

async function expectError(response: Response, status: number, error: string): Promise<ErrorBody> {
  const body = (await response.json()) as ErrorBody;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  return body;
}

async function registered(response: Response): Promise<Registered> {
  const body = (await response.json()) as Registered;
  expect(response.status, JSON.stringify(body)).toBe(201);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return body;
}

async function adminClient(server: TestServer, clientId: string): Promise<AdminClient> {
  const response = await server.admin('GET', `/clients/${clientId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as AdminClient;
}

async function createProfile(server: TestServer): Promise<void> {
  expect((await server.admin('PUT', `/profiles/${PROFILE}`, { registration_enabled: true, scope_element_mapping: MAPPING })).status).toBe(201);
}

describe.each(STORES)('registration of code-flow clients (RFC 7591) on %s', (store) => {
  let closed: TestServer;
  let open: TestServer;
  let initialToken: string;

  beforeAll(async () => {
    [closed, open] = await Promise.all([
      // The per-minute limit of every registration request is another test's (registration.test.ts).
      startTestServer({ store, config: { registrationRateLimitPerAddress: 0 } }),
      startTestServer({ store, config: { openRegistration: true, openRegistrationProfile: PROFILE, openRegistrationRateLimitPerAddress: 0, registrationRateLimitPerAddress: 0 } }),
    ]);
    await Promise.all([createProfile(closed), createProfile(open)]);
    initialToken = ((await (await closed.admin('POST', `/profiles/${PROFILE}/initial-access-tokens`, {})).json()) as { token: string }).token;
  });
  afterAll(async () => {
    await Promise.all([closed.close(), open.close()]);
  });

  it('registers a public client with an initial access token, echoing RFC 7591 §3.2.1 fields', async () => {
    const before = Math.floor(Date.now() / 1000);
    const body = await registered(
      await register(closed, publicClient({ scope: 'notes', post_logout_redirect_uris: ['https://notes.example.com/bye'], skip_consent: true, may_act_for_users: true }), initialToken),
    );
    expect(body.client_secret).toBeUndefined();
    expect(body).toMatchObject({
      client_name: 'Notes MCP client',
      redirect_uris: [CALLBACK, 'com.example.notes:/oauth'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'notes',
      post_logout_redirect_uris: ['https://notes.example.com/bye'],
    });
    expect(body.client_id_issued_at).toBeGreaterThanOrEqual(before);

    const client = await adminClient(closed, body.client_id);
    expect(client).toMatchObject({
      token_endpoint_auth_method: 'none',
      skip_consent: false,
      may_act_for_users: false,
      refresh_tokens: true,
      profile: PROFILE,
      grant_types: ['authorization_code'],
      redirect_uris: [CALLBACK, 'com.example.notes:/oauth'],
      post_logout_redirect_uris: ['https://notes.example.com/bye'],
    });
    // No allowed scopes of its own: every element goes through the profile's mapping (offline_access only marks refresh tokens).
    expect(client.scope).toBe('offline_access');
  });

  it('refuses registration without an initial access token while open registration is off (401, as before)', async () => {
    const response = await register(closed, publicClient());
    await expectError(response, 401, 'invalid_token');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('registers a public client without a token when open registration is on', async () => {
    // The name is the client's own, untrusted: kept as given (trimmed), never marked first-party.
    const body = await registered(await register(open, publicClient({ client_name: '  Gatehouse <b>Admin</b> ', skip_consent: true })));
    expect(body).toMatchObject({ token_endpoint_auth_method: 'none', client_name: 'Gatehouse <b>Admin</b>', grant_types: ['authorization_code', 'refresh_token'] });
    // Without scope, the profile's mapping is what the client may ask for.
    expect(body.scope.split(' ').sort()).toEqual(['calendar', 'notes', 'offline_access']);
    expect(await adminClient(open, body.client_id)).toMatchObject({ token_endpoint_auth_method: 'none', skip_consent: false, may_act_for_users: false, profile: PROFILE });

    // RFC 7591 §2 defaults: grant_types authorization_code, response_types code; no client_name: the client id.
    const minimal = await registered(await register(open, { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }));
    expect(minimal).toMatchObject({ grant_types: ['authorization_code'], response_types: ['code'], client_name: minimal.client_id });
    expect(await adminClient(open, minimal.client_id)).toMatchObject({ refresh_tokens: false, skip_consent: false });

    const audit = (await (await open.admin('GET', `/audit?action=client.register&client_id=${body.client_id}`)).json()) as { events: Record<string, unknown>[] };
    expect(audit.events).toMatchObject([{ actor: 'anonymous', action: 'client.register', target: body.client_id, outcome: 'success', status: 201 }]);

    // Named by its id alone, it gets no token but through the code flow.
    const otherGrants: Record<string, string>[] = [
      { grant_type: 'client_credentials', scope: 'notes' },
      { grant_type: 'password', username: 'someone', password: 'not-a-password' },
    ];
    for (const grant of otherGrants) {
      const token = await postForm(`${open.url}/oauth/token`, { ...grant, client_id: body.client_id });
      await expectError(token, 400, 'unauthorized_client');
    }

    // A bad initial access token is still refused, open registration or not.
    await expectError(await register(open, publicClient(), 'not-a-real-token'), 401, 'invalid_token');
  });

  it('refuses redirect URIs that are not https, loopback http or a private-use scheme (invalid_redirect_uri)', async () => {
    for (const uris of [['http://app.example.com/callback'], ['https://app.example.com/callback#done'], ['javascript:alert(1)'], ['/callback'], [], 'https://app.example.com/cb']) {
      await expectError(await register(open, publicClient({ redirect_uris: uris })), 400, 'invalid_redirect_uri');
      await expectError(await register(closed, publicClient({ redirect_uris: uris }), initialToken), 400, 'invalid_redirect_uri');
    }
    await expectError(await register(open, { token_endpoint_auth_method: 'none' }), 400, 'invalid_redirect_uri');
    await expectError(await register(open, publicClient({ post_logout_redirect_uris: ['http://app.example.com/bye'] })), 400, 'invalid_client_metadata');
  });

  it('refuses response types other than code', async () => {
    for (const types of [['token'], ['code', 'token'], ['id_token'], 'code', []]) {
      await expectError(await register(open, publicClient({ response_types: types })), 400, 'invalid_client_metadata');
      await expectError(await register(closed, publicClient({ response_types: types }), initialToken), 400, 'invalid_client_metadata');
    }
  });

  it('refuses grant types other than authorization_code on open registration, and private_key_jwt gets no more', async () => {
    const jwk = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: 'k1', alg: 'ES256' };
    for (const grants of [
      ['client_credentials'],
      ['authorization_code', 'client_credentials'],
      ['password'],
      ['authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      ['implicit'],
      [],
    ]) {
      await expectError(await register(open, publicClient({ grant_types: grants })), 400, 'invalid_client_metadata');
      await expectError(await register(open, { jwks: { keys: [jwk] }, token_endpoint_auth_method: 'private_key_jwt', grant_types: grants, redirect_uris: [CALLBACK] }), 400, 'invalid_client_metadata');
    }
    // An app instance (client_credentials, no redirect URIs) needs an initial access token.
    await expectError(await register(open, { jwks: { keys: [jwk] }, grant_types: ['client_credentials'] }), 400, 'invalid_client_metadata');
    // Public clients never get secrets: the other methods are refused.
    await expectError(await register(open, publicClient({ token_endpoint_auth_method: 'client_secret_basic' })), 400, 'invalid_client_metadata');
    await expectError(await register(open, publicClient({ jwks: { keys: [jwk] } })), 400, 'invalid_client_metadata');

    const confidential = await registered(await register(open, { jwks: { keys: [jwk] }, redirect_uris: [CALLBACK], client_name: 'Agent', may_act_for_users: true }));
    expect(confidential).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['authorization_code'], response_types: ['code'] });
    expect(await adminClient(open, confidential.client_id)).toMatchObject({ may_act_for_users: false, skip_consent: false, grant_types: ['authorization_code'] });

    // With an initial access token, a private_key_jwt client may add client_credentials; a public one may not.
    const both = await registered(await register(closed, { jwks: { keys: [jwk] }, redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'client_credentials'] }, initialToken));
    expect(both.grant_types).toEqual(['authorization_code', 'client_credentials']);
    await expectError(await register(closed, publicClient({ grant_types: ['authorization_code', 'client_credentials'] }), initialToken), 400, 'invalid_client_metadata');
    await expectError(await register(closed, publicClient({ grant_types: ['password'] }), initialToken), 400, 'invalid_client_metadata');
  });

  it('accepts only scope elements the profile maps', async () => {
    await expectError(await register(open, publicClient({ scope: 'notes admin' })), 400, 'invalid_client_metadata');
    await expectError(await register(open, publicClient({ scope: ['notes'] })), 400, 'invalid_client_metadata');
    expect((await registered(await register(open, publicClient({ scope: 'calendar' })))).scope).toBe('calendar');
  });

  it('stops open registration once the profile has registration turned off', async () => {
    expect((await open.admin('PATCH', `/profiles/${PROFILE}`, { registration_enabled: false })).status).toBe(200);
    try {
      await expectError(await register(open, publicClient()), 401, 'invalid_token');
    } finally {
      expect((await open.admin('PATCH', `/profiles/${PROFILE}`, { registration_enabled: true })).status).toBe(200);
    }
    await registered(await register(open, publicClient()));
  });
});

const LIMIT = 6;

describe.each(STORES)('open registration rate limit on %s', (store) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      store,
      config: { openRegistration: true, openRegistrationProfile: PROFILE, openRegistrationRateLimitPerAddress: LIMIT, registrationRateLimitPerAddress: 0 },
    });
    await createProfile(server);
  });
  afterAll(async () => {
    await server.close();
  });

  it(`lets exactly ${LIMIT} of ${LIMIT + 5} concurrent open registrations from one address through`, async () => {
    // A refused body does not spend the budget.
    await expectError(await register(server, publicClient({ response_types: ['token'] })), 400, 'invalid_client_metadata');
    const responses = await Promise.all(Array.from({ length: LIMIT + 5 }, (_, index) => register(server, publicClient({ client_name: `burst ${index}` }))));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    const refused = responses.find((response) => response.status === 429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused?.json()) as ErrorBody).error).toBe('too_many_requests');
    const clients = (await (await server.admin('GET', '/clients?limit=500')).json()) as { clients: { profile?: string | null }[] };
    expect(clients.clients.filter((client) => client.profile === PROFILE)).toHaveLength(LIMIT);
  });
});

/** Two instances on one PostgreSQL database: the open-registration limit counts across both, in the database or in a shared Redis. */
describe('open registration rate limit across instances', () => {
  let database: TestDatabase;
  const servers: TestServer[] = [];
  const prefix = `gatehouse-test-${randomBytes(6).toString('hex')}:`;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database.drop();
  });

  it.each([
    ['the database', {}],
    ['Redis', { redisUrl: REDIS_URL, redisKeyPrefix: prefix }],
  ])(`lets exactly ${LIMIT} of a burst split over two instances through, counted in %s`, async (_where, shared) => {
    const config = { openRegistration: true, openRegistrationProfile: PROFILE, openRegistrationRateLimitPerAddress: LIMIT, registrationRateLimitPerAddress: 0, ...shared };
    const a = await startTestServer({ store: 'postgres', database, config });
    servers.push(a);
    if ((await a.admin('GET', `/profiles/${PROFILE}`)).status === 404) await createProfile(a);
    const b = await startTestServer({ store: 'postgres', database, config });
    servers.push(b);
    const responses = await Promise.all(Array.from({ length: LIMIT + 5 }, (_, index) => register(index % 2 === 0 ? a : b, publicClient({ client_name: `split ${index}` }))));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    await Promise.all([a.close(), b.close()]);
    servers.length = 0;
  });
});
