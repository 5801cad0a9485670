import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** The refusal body of every API (src/admin-api/wire.ts ErrorJson). */
interface ErrorJson {
  error: string;
  error_description: string;
  field?: string;
  fields?: { field: string; description: string }[];
}

const PROFILE = 'fields';

async function refusal(response: Response): Promise<ErrorJson> {
  const body = (await response.json()) as ErrorJson;
  expect(response.status, JSON.stringify(body)).toBe(400);
  return body;
}

const fieldNames = (body: ErrorJson) => (body.fields ?? []).map((field) => field.field);

// Issue 21: one refusal lists every invalid field of the request, so that a form can mark them all at once.
describe.each(STORES)('every invalid field of a request, at once, on %s', (store) => {
  let server: TestServer;
  let usersToken: string;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { openRegistration: true, openRegistrationProfile: PROFILE, openRegistrationRateLimitPerAddress: 0, registrationRateLimitPerAddress: 0 } });
    expect((await server.admin('PUT', `/profiles/${PROFILE}`, { registration_enabled: true, scope_element_mapping: { notes: [] } })).status).toBe(201);
    const client = await server.createClient({ scope: 'users' });
    const token = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    usersToken = ((await token.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
  });

  async function clientCount(): Promise<number> {
    return ((await (await server.admin('GET', '/clients?limit=1')).json()) as { total: number }).total;
  }

  it('admin API: POST /clients with three bad fields lists the three, in field order, and creates nothing', async () => {
    const before = await clientCount();
    const body = await refusal(await server.admin('POST', '/clients', { client_id: 'three-bad', access_token_lifetime: -5, client_name: '', allowed_origins: ['https://portal.example.com/path'] }));
    expect(body).toEqual({
      error: 'invalid_client_metadata',
      error_description: expect.stringMatching(/^client_name: .*; access_token_lifetime: .*; allowed_origins: /),
      field: 'client_name',
      fields: [
        { field: 'client_name', description: 'must be a non-empty string of at most 200 characters' },
        { field: 'access_token_lifetime', description: "must be an integer from 0 to 99999999 (seconds; 0: the server's maximum)" },
        { field: 'allowed_origins', description: "'https://portal.example.com/path' is not an origin (scheme://host[:port], no path)" },
      ],
    });
    expect((await server.admin('GET', '/clients/three-bad')).status).toBe(404);
    expect(await clientCount()).toBe(before);
  });

  it('admin API: a rule between fields is listed with the bad fields when its inputs are valid', async () => {
    const body = await refusal(await server.admin('POST', '/clients', { client_id: 'rule-and-field', client_name: 'a\u0007b', grant_types: ['authorization_code'] }));
    expect(fieldNames(body)).toEqual(['client_name', 'redirect_uris']);
    expect(body.fields?.[1]?.description).toBe('the authorization_code grant needs at least one redirect URI');
    expect((await server.admin('GET', '/clients/rule-and-field')).status).toBe(404);
  });

  it('admin API: PATCH /clients/:id with three bad fields lists the three and changes nothing', async () => {
    const client = await server.createClient({ client_name: 'Unchanged' });
    const body = await refusal(
      await server.admin('PATCH', `/clients/${client.client_id}`, { client_name: 'Changed', enabled: 'yes', expires_at: 'tomorrow', refresh_tokens: true, scope: 'read naïve"x"' }),
    );
    expect(body.error).toBe('invalid_client_metadata');
    // refresh_tokens on a client_credentials client: the stored client's grant types decide the rule.
    expect(body.fields).toEqual([
      { field: 'scope', description: `'naïve"x"' is not a valid scope element (RFC 6749 §3.3)` },
      { field: 'enabled', description: 'must be true or false' },
      { field: 'expires_at', description: 'must be an ISO 8601 date or date-time with offset (e.g. 2027-01-31 or 2027-01-31T12:00:00Z), or null' },
      {
        field: 'refresh_tokens',
        description: 'refresh tokens are never issued for client_credentials; add the password or authorization_code grant, or turn refresh_tokens off',
      },
    ]);
    const shown = (await (await server.admin('GET', `/clients/${client.client_id}`)).json()) as { client_name: string; enabled: boolean; refresh_tokens: boolean };
    expect(shown).toMatchObject({ client_name: 'Unchanged', enabled: true, refresh_tokens: false });
  });

  const badUser = { username: ' spaced ', password: 'long enough password', email: 'not-an-address', roles: ['has space', 'ok'] };
  const badUserFields = [
    { field: 'username', description: 'must be 1 to 128 characters, without control characters or surrounding spaces' },
    { field: 'email', description: 'must be an email address or null' },
    { field: 'roles', description: 'must be a list of role names (1 to 64 printable characters, no spaces)' },
  ];

  async function userCount(): Promise<number> {
    return ((await (await server.admin('GET', '/users?limit=1')).json()) as { total: number }).total;
  }

  it('admin API: a user create with a bad username, email and roles lists all three, and creates nothing', async () => {
    const before = await userCount();
    const body = await refusal(await server.admin('POST', '/users', badUser));
    expect(body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/^username: .*; email: .*; roles: /), field: 'username', fields: badUserFields });
    expect(await userCount()).toBe(before);
  });

  it('user API: the same create lists all three, and a PATCH lists every bad field too', async () => {
    const before = await userCount();
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${server.url}/api${path}`, { method, headers: { authorization: `Bearer ${usersToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const body = await refusal(await api('POST', '/users', badUser));
    expect(body.fields).toEqual(badUserFields);
    expect(await userCount()).toBe(before);

    const created = await api('POST', '/users', { username: 'fields.user', password: 'long enough password' });
    expect(created.status).toBe(201);
    const patched = await refusal(await api('PATCH', '/users/fields.user', { password: 'another password', display_name: 'x'.repeat(201), enabled: 'no' }));
    expect(fieldNames(patched)).toEqual(['password', 'display_name', 'enabled']);
  });

  it('dynamic registration: two bad fields keep the RFC 7591 error code and are both listed; nothing is registered', async () => {
    const before = await clientCount();
    const register = (body: unknown) => fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const redirectFirst = await refusal(await register({ redirect_uris: ['http://app.example/callback'], client_name: 'Notes\u202Eexe', scope: 'notes' }));
    expect(redirectFirst).toEqual({
      error: 'invalid_redirect_uri',
      error_description: expect.stringMatching(/^redirect_uris: .*; client_name: /),
      field: 'redirect_uris',
      fields: [
        { field: 'redirect_uris', description: "'http://app.example/callback' uses http: only a loopback address (127.0.0.1, [::1], localhost) may; use https" },
        { field: 'client_name', description: 'must not contain control, format or bidirectional override characters' },
      ],
    });
    const metadataFirst = await refusal(await register({ redirect_uris: ['https://app.example/callback'], scope: 'notes admin', require_pushed_authorization_requests: 'yes' }));
    expect(metadataFirst.error).toBe('invalid_client_metadata');
    expect(fieldNames(metadataFirst)).toEqual(['scope', 'require_pushed_authorization_requests']);
    // One bad field: answered as before, without a fields member.
    const one = await refusal(await register({ redirect_uris: ['https://app.example/callback'], scope: 'admin' }));
    expect(one).toEqual({ error: 'invalid_client_metadata', error_description: `scope: admin cannot be registered (not in the scope mapping of the profile ${PROFILE})` });
    expect(await clientCount()).toBe(before);
  });
});
