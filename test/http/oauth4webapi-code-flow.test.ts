import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserAgent, formsOf } from '../helpers/browser-agent.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'interop password 19';
/** Loopback redirect URIs: any port matches (RFC 8252 §7.3), as a native or MCP client's would. */
const REDIRECT_URI = 'http://127.0.0.1:53682/callback';
const OPEN_PROFILE = 'open-clients';

/**
 * The authorization code flow as an independent library (oauth4webapi) runs it against Gatehouse: PKCE, the
 * RFC 9207 `iss` check, ID token with nonce, UserInfo, refresh, PAR, a public client registered dynamically,
 * and an MCP client's sequence (RFC 9728 -> RFC 8414 -> RFC 7591 -> code flow with RFC 8707 `resource` -> call).
 * The hosted pages are driven by a cookie-keeping fetch agent that posts the forms as rendered.
 */
describe.each(STORES)('the code flow with oauth4webapi on %s', (store) => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  const http = { [oauth.allowInsecureRequests]: true };

  beforeAll(async () => {
    server = await startTestServer({
      store,
      config: { commandsDir: 'examples/commands', openRegistration: true, openRegistrationProfile: OPEN_PROFILE, openRegistrationRateLimitPerAddress: 0, registrationRateLimitPerAddress: 0 },
    });
    expect((await server.admin('POST', '/users', { username: 'carol', password: PASSWORD, display_name: 'Carol Example', email: 'carol@example.com' })).status).toBe(201);
    expect((await server.admin('POST', '/profiles', { name: OPEN_PROFILE, registration_enabled: true, scope_element_mapping: { demo: [] } })).status).toBe(201);
    // Gatehouse's own API is the MCP resource: its RFC 9728 document names the issuer as `resource`, which a
    // client may request without further set-up (the issuer is always a resource).
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oidc' }));
  });
  afterAll(async () => {
    await server.close();
  });

  /** An authorization request as oauth4webapi's users build it: PKCE S256, state, nonce. */
  async function authorizationRequest(clientId: string, extra: Record<string, string> = {}) {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    const params = {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...extra,
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { url, codeVerifier, state, nonce, params };
  }

  /** Follows the hosted pages as a person would: signs carol in and allows the application; returns the callback URL. */
  async function signIn(agent: BrowserAgent, url: URL): Promise<URL> {
    let response = await agent.get(url.href);
    for (let step = 0; step < 8; step++) {
      const location = response.headers.get('location');
      if (location !== null && location.startsWith('http://127.0.0.1:53682/')) return new URL(location);
      if (location !== null) {
        response = await agent.get(location);
        continue;
      }
      expect(response.status, await response.clone().text()).toBe(200);
      const { inputs, actions } = formsOf(await response.text());
      const form: Record<string, string> = { csrf: inputs.get('csrf')!, step: inputs.get('step')! };
      if (form.step === 'sign-in') Object.assign(form, { username: 'carol', password: PASSWORD });
      else if (form.step === 'consent') form.decision = 'allow';
      else throw new Error(`unexpected page step ${form.step}`);
      response = await agent.post(actions[0]!, form);
    }
    throw new Error('the sign-in did not come back to the client');
  }

  it('signs in with PKCE, checks state and iss, validates the ID token with its nonce, reads UserInfo and refreshes', async () => {
    const registered = await server.createClient({
      client_name: 'Interop Web',
      grant_types: ['authorization_code'],
      refresh_tokens: true,
      redirect_uris: [REDIRECT_URI],
      scope: 'openid profile email demo',
    });
    const client: oauth.Client = { client_id: registered.client_id };
    const auth = oauth.ClientSecretBasic(registered.client_secret);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);

    const request = await authorizationRequest(client.client_id, { scope: 'openid profile email demo offline_access' });
    const callback = await signIn(new BrowserAgent(server.url), request.url);
    // A response that names another issuer is a mix-up (RFC 9207): oauth4webapi refuses it.
    const mixedUp = new URL(callback);
    mixedUp.searchParams.set('iss', 'https://attacker.example');
    expect(() => oauth.validateAuthResponse(as, client, mixedUp, request.state)).toThrow(/iss/);
    expect(() => oauth.validateAuthResponse(as, client, callback, 'another state')).toThrow(/state/);
    const params = oauth.validateAuthResponse(as, client, callback, request.state);

    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, request.codeVerifier, http), {
      expectedNonce: request.nonce,
      requireIdToken: true,
    });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope?.split(' ').sort()).toEqual(['demo', 'email', 'offline_access', 'openid', 'profile']);
    const idToken = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(idToken).toMatchObject({ iss: server.url, aud: client.client_id, nonce: request.nonce });
    expect(typeof idToken.auth_time).toBe('number');

    const accessClaims = await oauth.validateJwtAccessToken(as, new Request(`${server.url}/api`, { headers: { authorization: `Bearer ${tokens.access_token}` } }), server.url, http);
    expect(accessClaims).toMatchObject({ client_id: client.client_id, sub: idToken.sub, username: 'carol' });

    const userinfo = await oauth.processUserInfoResponse(as, client, idToken.sub, await oauth.userInfoRequest(as, client, tokens.access_token, http));
    expect(userinfo).toMatchObject({ sub: idToken.sub, email: 'carol@example.com', name: 'Carol Example' });

    // A nonce other than the one sent is refused by the library (the code is spent, so ask for another).
    const second = await authorizationRequest(client.client_id, { scope: 'openid demo' });
    const secondCallback = await signIn(new BrowserAgent(server.url), second.url);
    await expect(
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, oauth.validateAuthResponse(as, client, secondCallback, second.state), REDIRECT_URI, second.codeVerifier, http),
        { expectedNonce: oauth.generateRandomNonce() },
      ),
    ).rejects.toThrow(/nonce/);

    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, http));
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    // The refresh token rotated: the old one is refused now.
    await expect(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, http))).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('pushes the authorization request (RFC 9126) and signs in through its request_uri', async () => {
    const registered = await server.createClient({
      client_name: 'Interop PAR',
      grant_types: ['authorization_code'],
      redirect_uris: [REDIRECT_URI],
      require_pushed_authorization_requests: true,
      scope: 'demo',
    });
    const client: oauth.Client = { client_id: registered.client_id };
    const auth = oauth.ClientSecretPost(registered.client_secret);
    const request = await authorizationRequest(client.client_id, { scope: 'demo' });
    const { client_id: _clientId, ...pushedParams } = request.params;
    const pushed = await oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, pushedParams, http));
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(pushed.expires_in).toBeGreaterThan(0);

    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', client.client_id);
    url.searchParams.set('request_uri', pushed.request_uri);
    const callback = await signIn(new BrowserAgent(server.url), url);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, oauth.validateAuthResponse(as, client, callback, request.state), REDIRECT_URI, request.codeVerifier, http),
    );
    expect(tokens.scope).toBe('demo');
  });

  it('registers a public client dynamically (RFC 7591), signs in with PKCE alone and refreshes as the public client', async () => {
    const metadata = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        { client_name: 'Interop Public', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], scope: 'demo offline_access' },
        http,
      ),
    );
    expect(metadata.token_endpoint_auth_method).toBe('none');
    const client: oauth.Client = { client_id: metadata.client_id };
    const request = await authorizationRequest(client.client_id, { scope: 'demo offline_access' });
    const callback = await signIn(new BrowserAgent(server.url), request.url);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), oauth.validateAuthResponse(as, client, callback, request.state), REDIRECT_URI, request.codeVerifier, http),
    );
    expect(tokens.scope?.split(' ').sort()).toEqual(['demo', 'offline_access']);
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, http));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });

  it("runs an MCP client's sequence: 401 -> RFC 9728 -> RFC 8414 -> registration -> code flow with resource -> call", async () => {
    const command = new URL('/api/apps/demo/commands/echo', server.url);
    const refused = await fetch(command, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"hi"}' });
    expect(refused.status).toBe(401);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(refused.headers.get('www-authenticate') ?? '')?.[1];
    expect(metadataUrl).toBe(`${server.url}/.well-known/oauth-protected-resource`);

    const resource = await oauth.processResourceDiscoveryResponse(new URL(server.url), await oauth.resourceDiscoveryRequest(new URL(server.url), http));
    expect(resource.scopes_supported).toContain('demo');
    const issuer = new URL(resource.authorization_servers![0]!);
    const mcpAs = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oauth2' }));
    expect(mcpAs.registration_endpoint).toBe(`${server.url}/oauth/register`);

    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(mcpAs, { client_name: 'Interop MCP', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', scope: 'demo' }, http),
    );
    const client: oauth.Client = { client_id: registered.client_id };
    // The resource the metadata names (RFC 8707), at the authorization and the token request.
    const request = await authorizationRequest(client.client_id, { scope: 'demo', resource: resource.resource });
    const callback = await signIn(new BrowserAgent(server.url), request.url);
    const tokens = await oauth.processAuthorizationCodeResponse(
      mcpAs,
      client,
      await oauth.authorizationCodeGrantRequest(mcpAs, client, oauth.None(), oauth.validateAuthResponse(mcpAs, client, callback, request.state), REDIRECT_URI, request.codeVerifier, {
        ...http,
        additionalParameters: { resource: resource.resource },
      }),
    );
    const claims = await oauth.validateJwtAccessToken(mcpAs, new Request(command, { headers: { authorization: `Bearer ${tokens.access_token}` } }), resource.resource, http);
    expect([claims.aud].flat()).toContain(resource.resource);

    const called = await oauth.protectedResourceRequest(
      tokens.access_token,
      'POST',
      command,
      new Headers({ 'content-type': 'application/json' }),
      JSON.stringify({ message: 'from an MCP client' }),
      http,
    );
    expect(called.status).toBe(200);
    expect(await called.json()).toMatchObject({ echo: 'from an MCP client', caller: client.client_id });
  });
});
