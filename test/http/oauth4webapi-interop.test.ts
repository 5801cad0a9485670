import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** An independent OAuth client library drives Gatehouse end to end, as integrators' code would. */
describe.each(STORES)('interoperability with oauth4webapi on %s', (store) => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  const options = { [oauth.allowInsecureRequests]: true };

  beforeAll(async () => {
    server = await startTestServer({ store });
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oauth2' }));
  });
  afterAll(async () => {
    await server.close();
  });

  it('discovers, obtains, validates, introspects and revokes a client_credentials token', async () => {
    const registered = await server.createClient({ scope: 'reports:read reports:write' });
    const client: oauth.Client = { client_id: registered.client_id };
    const auth = oauth.ClientSecretBasic(registered.client_secret);

    const tokenResponse = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'reports:read' }, options));
    expect(tokenResponse.token_type).toBe('bearer');
    expect(tokenResponse.scope).toBe('reports:read');

    const resourceRequest = new Request('https://resource.example/reports', { headers: { authorization: `Bearer ${tokenResponse.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, resourceRequest, server.url, options);
    expect(claims.client_id).toBe(registered.client_id);
    expect(claims.scope).toBe('reports:read');

    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokenResponse.access_token, options));
    expect(active.active).toBe(true);
    expect(active.client_id).toBe(registered.client_id);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokenResponse.access_token, options));
    const after = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokenResponse.access_token, options));
    expect(after.active).toBe(false);
  });

  it('runs the password grant and two refreshes', async () => {
    expect((await server.admin('POST', '/users', { username: 'interop-user', password: 'interop password 1' })).status).toBe(201);
    const registered = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile' });
    const client: oauth.Client = { client_id: registered.client_id };
    const auth = oauth.ClientSecretPost(registered.client_secret);

    const first = await oauth.processGenericTokenEndpointResponse(
      as,
      client,
      await oauth.genericTokenEndpointRequest(as, client, auth, 'password', { username: 'interop-user', password: 'interop password 1' }, options),
    );
    expect(first.refresh_token).toBeDefined();
    const second = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, first.refresh_token ?? '', options));
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const third = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, second.refresh_token ?? '', options));
    expect(third.access_token).not.toBe(second.access_token);
    const claims = await oauth.validateJwtAccessToken(as, new Request('https://resource.example/', { headers: { authorization: `Bearer ${third.access_token}` } }), server.url, options);
    expect(claims.username).toBe('interop-user');
  });
});
