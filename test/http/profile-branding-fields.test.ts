import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorJson } from '../../src/admin-api/wire.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/**
 * Issue 21: a security profile or branding body with several invalid fields is refused once, naming every
 * field in `fields` (each with its own message), and nothing is written.
 */
describe.each(STORES)('admin API: every invalid profile and branding field at once on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  async function refusal(response: Response): Promise<ErrorJson & { byField: Record<string, string> }> {
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorJson;
    expect(body.error).toBe('invalid_request');
    const byField = Object.fromEntries((body.fields ?? []).map((item) => [item.field, item.description]));
    return { ...body, byField };
  }

  it('names three bad fields of a new profile at once and creates nothing', async () => {
    const answer = await refusal(
      await server.admin('POST', '/profiles', { name: 'bad name', max_token_expiration: 0, mandatory_scope: 'ok "quoted', scope_element_mapping: { pay: ['NoSuchCheck'] } }),
    );
    expect(Object.keys(answer.byField).sort()).toEqual(['mandatory_scope', 'max_token_expiration', 'name', 'scope_element_mapping']);
    // Each field keeps its own message, the same as when it is the only bad one.
    expect(answer.byField.name).toBe("must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    expect(answer.byField.max_token_expiration).toBe('must be an integer from 1 to 99999999 (seconds)');
    // `fields` quotes the value as it was sent, not JSON-escaped and not limited to ASCII.
    expect(answer.byField.mandatory_scope).toBe("'\"quoted' is not a valid scope element (RFC 6749 §3.3)");
    expect(answer.byField.scope_element_mapping).toContain('no security check named NoSuchCheck');
    expect(answer.field).toBe(answer.fields?.[0]?.field);
    expect(answer.error_description).toContain('max_token_expiration: must be an integer');
    expect(answer.error_description).toContain('scope_element_mapping: no security check named NoSuchCheck');
    expect((await server.admin('GET', '/profiles/bad%20name')).status).toBe(404);
  });

  it('names a missing name with the other bad fields, and unknown keys too', async () => {
    const answer = await refusal(await server.admin('POST', '/profiles', { max_token_expiration: 'long', registration_enabled: 'yes', colour: 'red' }));
    expect(answer.byField).toEqual({
      colour: "unknown key 'colour'; use name, max_token_expiration, scope_element_mapping, mandatory_scope, default_scope, registration_enabled, registration_checks",
      name: 'is required',
      max_token_expiration: 'must be an integer from 1 to 99999999 (seconds)',
      registration_enabled: 'must be true or false',
    });
  });

  it('names every bad field of a change and leaves the profile as it was', async () => {
    expect((await server.admin('POST', '/profiles', { name: 'mobile', max_token_expiration: 900 })).status).toBe(201);
    const before = await (await server.admin('GET', '/profiles/mobile')).json();
    const answer = await refusal(
      await server.admin('PATCH', '/profiles/mobile', { max_token_expiration: 99_999_999_999, default_scope: 7, registration_checks: ['NoRegisterHook'], mandatory_scope: ['fine'] }),
    );
    expect(Object.keys(answer.byField).sort()).toEqual(['default_scope', 'max_token_expiration', 'registration_checks']);
    expect(answer.byField.registration_checks).toContain('no security check with a register hook named NoRegisterHook');
    expect(await (await server.admin('GET', '/profiles/mobile')).json()).toEqual(before);
  });

  it("names every bad field of an imported file (the console's import: PUT with the file's keys)", async () => {
    // The file form, camelCase keys of the security framework included, as the console's import box sends it.
    const answer = await refusal(
      await server.admin('PUT', '/profiles/imported', {
        maxTokenExpiration: -1,
        scopeElementMapping: { 'bad element': ['PinCode'] },
        mandatory_scope: 'a',
        mandatoryScope: 'b',
        registration_checks: 'x/y',
        registration_enabled: false,
      }),
    );
    expect(answer.byField).toEqual({
      mandatoryScope: "given twice, as 'mandatory_scope' and 'mandatoryScope'",
      maxTokenExpiration: 'must be an integer from 1 to 99999999 (seconds)',
      scopeElementMapping: "'bad element' is not a valid scope element (RFC 6749 §3.3)",
      registration_checks: "'x/y' is not a check name",
    });
    expect((await server.admin('GET', '/profiles/imported')).status).toBe(404);
  });

  it('answers a profile with one bad field as before: field, no list needed', async () => {
    const response = await server.admin('POST', '/profiles', { name: 'single', max_token_expiration: -1 });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorJson;
    expect(body.field).toBe('max_token_expiration');
    expect(body.error_description).toBe('max_token_expiration: must be an integer from 1 to 99999999 (seconds)');
  });

  it('names both bad branding values at once and stores nothing', async () => {
    expect((await server.admin('PUT', '/branding', { product_name: 'Acme' })).status).toBe(200);
    const answer = await refusal(await server.admin('PUT', '/branding', { product_name: 'Acme 2', primary_colour: 'blue', logo_url: 'http://cdn.example/logo.png' }));
    expect(answer.byField).toEqual({
      logo_url: 'must be null or an https URL (at most 2048 characters, no user or password)',
      primary_colour: 'must be a colour #rrggbb',
    });
    expect(answer.error_description).toBe('logo_url: must be null or an https URL (at most 2048 characters, no user or password); primary_colour: must be a colour #rrggbb');
    expect(((await (await server.admin('GET', '/branding')).json()) as { product_name: string }).product_name).toBe('Acme');

    const withUnknown = await refusal(await server.admin('PUT', '/branding', { font: 'serif', background_colour: '#12345' }));
    expect(Object.keys(withUnknown.byField)).toEqual(['font', 'background_colour']);
  });

  it('names every bad token delivery setting at once and stores none', async () => {
    const before = await (await server.admin('GET', '/settings/token-delivery')).json();
    const answer = await refusal(await server.admin('PATCH', '/settings/token-delivery', { cookie_name: 'has space', cookie_path: '/ok', header_name: 'Authorization' }));
    expect(answer.byField).toEqual({
      cookie_name: "must be a cookie name of 1 to 64 letters, digits or !#$%&'*+-.^_`|~ (got 'has space')",
      header_name: "must not be one of authorization, cookie, origin, host, content-type, content-length (got 'Authorization')",
    });
    expect(await (await server.admin('GET', '/settings/token-delivery')).json()).toEqual(before);
  });
});
