import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

describe.each(STORES)('token header names with any HTTP token characters on %s', (store) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const client = await server.createClient({ scope: 'users' });
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
  });

  it('accepts a header name with underscores and reads the token from it', async () => {
    const updated = await server.admin('PATCH', '/settings/token-delivery', { header_name: 'bimatrix_ap_accessToken' });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { header_name: string }).header_name).toBe('bimatrix_ap_accessToken');
    expect(((await (await server.admin('GET', '/settings/token-delivery')).json()) as { header_name: string }).header_name).toBe('bimatrix_ap_accessToken');

    // Sent as written and in lower case: header names are case-insensitive.
    for (const name of ['bimatrix_ap_accessToken', 'bimatrix_ap_accesstoken']) {
      const response = await fetch(`${server.url}/api/users`, { headers: { [name]: token } });
      expect(response.status, name).toBe(200);
    }
    const bad = await fetch(`${server.url}/api/users`, { headers: { bimatrix_ap_accessToken: 'not.a.token' } });
    expect(bad.status).toBe(401);
    // The old name no longer carries a token.
    expect((await fetch(`${server.url}/api/users`, { headers: { 'x-gatehouse-access-token': token } })).status).toBe(401);
  });

  it('accepts the other token characters of RFC 9110', async () => {
    const response = await server.admin('PATCH', '/settings/token-delivery', { header_name: "X!#$%&'*+.^_`|~Token9" });
    expect(response.status).toBe(200);
  });

  it('refuses names that are not HTTP field names, naming the field', async () => {
    for (const header_name of ['bimatrix ap token', 'x-token:', 'x-tökén', 'x-token\r\nx-evil', '', 'x'.repeat(65), 'x(token)', 'x/token', 'x"token', 42]) {
      const response = await server.admin('PATCH', '/settings/token-delivery', { header_name });
      expect(response.status, String(header_name)).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe('header_name');
    }
  });
});

describe('token header name in the configuration', () => {
  it('accepts underscores and refuses spaces, colons and non-ASCII', () => {
    expect(loadConfig({ env: { GATEHOUSE_TOKEN_HEADER: 'bimatrix_ap_accessToken' } }).tokenHeader).toBe('bimatrix_ap_accessToken');
    for (const name of ['bimatrix ap', 'x-token:', 'x-tökén']) {
      expect(() => loadConfig({ env: { GATEHOUSE_TOKEN_HEADER: name } }), name).toThrow(/GATEHOUSE_TOKEN_HEADER/);
    }
  });
});
