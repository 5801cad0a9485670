import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface ProfileJson {
  name: string;
  max_token_expiration: number;
  scope_element_mapping: Record<string, string[]>;
  mandatory_scope: string[];
  created_at: string;
  updated_at: string;
}
interface ErrorJson {
  error: string;
  error_description: string;
  field?: string;
}

describe.each(STORES)('admin API: security profiles on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  async function expectError(response: Response, status: number, field?: string): Promise<ErrorJson> {
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorJson;
    expect(typeof body.error).toBe('string');
    expect(typeof body.error_description).toBe('string');
    if (field !== undefined) expect(body.field).toBe(field);
    return body;
  }

  it('needs the admin token', async () => {
    expect((await fetch(`${server.url}/admin/api/profiles`)).status).toBe(401);
  });

  it('creates a profile with defaults, shows, lists, patches, replaces and deletes it', async () => {
    const created = await server.admin('POST', '/profiles', { name: 'mobile' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/admin/api/profiles/mobile');
    expect(await created.json()).toMatchObject({ name: 'mobile', max_token_expiration: 3600, scope_element_mapping: {}, mandatory_scope: [] });

    const patched = await server.admin('PATCH', '/profiles/mobile', { max_token_expiration: 900, scope_element_mapping: { payments: ['PinCode'], public: [] } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ max_token_expiration: 900, scope_element_mapping: { payments: ['PinCode'], public: [] }, mandatory_scope: [] });

    const shown = (await (await server.admin('GET', '/profiles/mobile')).json()) as ProfileJson;
    expect(shown.max_token_expiration).toBe(900);
    const list = (await (await server.admin('GET', '/profiles')).json()) as { profiles: ProfileJson[] };
    expect(list.profiles.map((profile) => profile.name)).toContain('mobile');

    // PUT replaces every setting: absent ones go back to their defaults.
    const replaced = await server.admin('PUT', '/profiles/mobile', { mandatory_scope: ['AllowedNetwork'] });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ max_token_expiration: 3600, scope_element_mapping: {}, mandatory_scope: ['AllowedNetwork'] });

    expect((await server.admin('DELETE', '/profiles/mobile')).status).toBe(204);
    await expectError(await server.admin('GET', '/profiles/mobile'), 404);
    await expectError(await server.admin('DELETE', '/profiles/mobile'), 404);
    await expectError(await server.admin('PATCH', '/profiles/mobile', { max_token_expiration: 60 }), 404);
  });

  it('PUT creates a missing profile (201)', async () => {
    const response = await server.admin('PUT', '/profiles/web', { max_token_expiration: 120 });
    expect(response.status).toBe(201);
    expect(((await response.json()) as ProfileJson).max_token_expiration).toBe(120);
  });

  it('answers 400 naming the field, and 409 for a duplicate', async () => {
    await expectError(await server.admin('POST', '/profiles', {}), 400, 'name');
    await expectError(await server.admin('POST', '/profiles', { name: 'bad name' }), 400, 'name');
    await expectError(await server.admin('POST', '/profiles', { name: 'x', max_token_expiration: -1 }), 400, 'max_token_expiration');
    await expectError(await server.admin('POST', '/profiles', { name: 'x', max_token_expiration: '60' }), 400, 'max_token_expiration');
    await expectError(await server.admin('POST', '/profiles', { name: 'x', scope_element_mapping: ['PinCode'] }), 400, 'scope_element_mapping');
    const unknownCheck = await expectError(await server.admin('POST', '/profiles', { name: 'x', scope_element_mapping: { pay: ['NoSuchCheck'] } }), 400, 'scope_element_mapping');
    expect(unknownCheck.error_description).toContain('NoSuchCheck');
    await expectError(await server.admin('POST', '/profiles', { name: 'x', mandatory_scope: 'a b "c' }), 400, 'mandatory_scope');
    await expectError(await server.admin('POST', '/profiles', { name: 'x', colour: 'red' }), 400, 'colour');
    await expectError(await server.admin('POST', '/profiles', 'not an object'), 400);
    await expectError(await server.admin('PUT', '/profiles/x', { name: 'y' }), 400, 'name');
    expect((await server.admin('POST', '/profiles', { name: 'dup' })).status).toBe(201);
    await expectError(await server.admin('POST', '/profiles', { name: 'dup' }), 409, 'name');
  });

  it('lets a client name an existing profile only, and keeps a profile in use from being deleted', async () => {
    expect((await server.admin('POST', '/profiles', { name: 'partners' })).status).toBe(201);
    const missing = await server.admin('POST', '/clients', { client_name: 'app', profile: 'nope' });
    await expectError(missing, 400, 'profile');
    const client = await server.createClient({ profile: 'partners' });
    expect(client.profile).toBe('partners');
    expect(client.pin_set).toBe(false);
    const inUse = await expectError(await server.admin('DELETE', '/profiles/partners'), 409);
    expect(inUse.error_description).toContain('1 client');
    await expectError(await server.admin('PATCH', `/clients/${client.client_id}`, { profile: 'nope' }), 400, 'profile');
    const cleared = await server.admin('PATCH', `/clients/${client.client_id}`, { profile: null });
    expect(((await cleared.json()) as { profile: string | null }).profile).toBeNull();
    expect((await server.admin('DELETE', '/profiles/partners')).status).toBe(204);
  });

  it('sets and removes a client PIN without ever showing it', async () => {
    const client = await server.createClient();
    await expectError(await server.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '12' }), 400, 'pin');
    await expectError(await server.admin('PUT', `/clients/${client.client_id}/pin`, { code: '1234' }), 400, 'code');
    await expectError(await server.admin('PUT', '/clients/no-such-client/pin', { pin: '1234' }), 404);
    expect((await server.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '4711' })).status).toBe(204);
    const shown = await (await server.admin('GET', `/clients/${client.client_id}`)).text();
    expect(JSON.parse(shown)).toMatchObject({ pin_set: true });
    expect(shown).not.toContain('4711');
    expect(shown).not.toMatch(/digest/);
    expect((await server.admin('DELETE', `/clients/${client.client_id}/pin`)).status).toBe(204);
    expect(((await (await server.admin('GET', `/clients/${client.client_id}`)).json()) as { pin_set: boolean }).pin_set).toBe(false);
  });
});
