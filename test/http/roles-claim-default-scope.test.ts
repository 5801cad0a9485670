import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserAgent, formsOf, pkcePair } from '../helpers/browser-agent.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const REDIRECT_URI = 'https://app.example/callback';
const PASSWORD = 'clerk password 1';
const ROLES = ['clerk', 'auditor'];

type Client = { client_id: string; client_secret: string } & Record<string, unknown>;

/** Issue 20: the per-client roles-claim switch, roles in ID tokens and UserInfo, and a profile's default scope. */
describe.each(STORES)('the roles claim and the default scope on %s', (store) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ store });
    expect((await server.admin('POST', '/users', { username: 'carol', password: PASSWORD, roles: ROLES })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  async function passwordToken(client: Client, scope?: string): Promise<Record<string, unknown>> {
    const response = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'password', username: 'carol', password: PASSWORD, ...(scope === undefined ? {} : { scope }) },
      { authorization: basicAuth(client.client_id, client.client_secret) },
    );
    const body = (await response.json()) as { access_token: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return decodeJwt(body.access_token);
  }

  /** The authorization code flow for carol through the hosted pages; the token response. */
  async function codeFlow(client: Client, scope: string): Promise<{ access_token: string; id_token: string }> {
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      scope,
      nonce: 'n-1',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
    const start = await browser.get(`/oauth/authorize?${query.toString()}`);
    expect(start.status).toBe(303);
    const pageUrl = start.headers.get('location')!;
    const { inputs } = formsOf(await (await browser.get(pageUrl)).text());
    const done = await browser.post(pageUrl, { ...Object.fromEntries(inputs), username: 'carol', password: PASSWORD });
    expect(done.status).toBe(303);
    const code = new URL(done.headers.get('location')!).searchParams.get('code')!;
    const response = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier },
      { authorization: basicAuth(client.client_id, client.client_secret) },
    );
    const tokens = (await response.json()) as { access_token: string; id_token: string };
    expect(response.status, JSON.stringify(tokens)).toBe(200);
    return tokens;
  }

  async function idTokenClaims(client: Client, idToken: string): Promise<Record<string, unknown>> {
    const jwks = createRemoteJWKSet(new URL(`${server.url}/oauth/jwks`));
    return (await jwtVerify(idToken, jwks, { issuer: server.url, audience: client.client_id })).payload;
  }

  async function userinfo(accessToken: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  const codeClient = (extra: Record<string, unknown> = {}) =>
    server.createClient({ grant_types: ['authorization_code'], redirect_uris: [REDIRECT_URI], skip_consent: true, scope: 'openid profile roles reports', ...extra });

  it("puts the user's roles into access tokens without the roles scope when the client's switch is on", async () => {
    const plain = await server.createClient({ grant_types: ['password', 'client_credentials'], scope: 'reports' });
    expect(plain.roles_claim).toBe(false);
    expect(await passwordToken(plain, 'reports')).not.toHaveProperty('roles');

    const switched = await server.createClient({ grant_types: ['password', 'client_credentials'], scope: 'reports', roles_claim: true });
    expect(switched.roles_claim).toBe(true);
    const claims = await passwordToken(switched, 'reports');
    expect(claims.roles).toEqual(ROLES);
    // The switch adds no scope: the token's scope is what was granted.
    expect(claims.scope).toBe('reports');
    // A client's own token has no user, so no roles.
    const own = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(switched.client_id, switched.client_secret) });
    expect(decodeJwt(((await own.json()) as { access_token: string }).access_token)).not.toHaveProperty('roles');

    // Turned off through the admin API: roles again only with the scope.
    const off = await server.admin('PATCH', `/clients/${switched.client_id}`, { roles_claim: false });
    expect(((await off.json()) as { roles_claim: boolean }).roles_claim).toBe(false);
    await expect.poll(async () => (await passwordToken(switched, 'reports')).roles).toBeUndefined();
    expect((await server.admin('PATCH', `/clients/${switched.client_id}`, { roles_claim: 'yes' })).status).toBe(400);
  });

  it('puts roles into the ID token and UserInfo with the roles scope, and not without it', async () => {
    const client = await codeClient();
    const scoped = await codeFlow(client, 'openid roles');
    expect((await idTokenClaims(client, scoped.id_token)).roles).toEqual(ROLES);
    expect(await userinfo(scoped.access_token)).toEqual({ sub: expect.any(String) as string, roles: ROLES });

    const unscoped = await codeFlow(client, 'openid profile');
    expect(await idTokenClaims(client, unscoped.id_token)).not.toHaveProperty('roles');
    expect(await userinfo(unscoped.access_token)).not.toHaveProperty('roles');
  });

  it("puts roles into the ID token and UserInfo without the scope when the client's switch is on", async () => {
    const client = await codeClient({ roles_claim: true });
    const tokens = await codeFlow(client, 'openid');
    expect(decodeJwt(tokens.access_token).roles).toEqual(ROLES);
    expect((await idTokenClaims(client, tokens.id_token)).roles).toEqual(ROLES);
    expect((await userinfo(tokens.access_token)).roles).toEqual(ROLES);
  });

  it('lists roles on the consent page when the switch puts them into tokens without the scope', async () => {
    const consentPage = async (client: Client): Promise<string> => {
      const browser = new BrowserAgent(server.url);
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      const pageUrl = (await browser.get(`/oauth/authorize?${query.toString()}`)).headers.get('location')!;
      const { inputs } = formsOf(await (await browser.get(pageUrl)).text());
      const answer = await browser.post(pageUrl, { ...Object.fromEntries(inputs), username: 'carol', password: PASSWORD });
      expect(answer.status).toBe(200);
      return answer.text();
    };
    const switched = await consentPage(await codeClient({ skip_consent: false, roles_claim: true }));
    expect(switched).toContain('name="decision"');
    expect(switched).toContain('Know the roles you hold on this server');
    expect(await consentPage(await codeClient({ skip_consent: false }))).not.toContain('Know the roles you hold on this server');
  });

  it('lists roles among the claims and scopes discovery declares', async () => {
    const document = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as { claims_supported: string[]; scopes_supported: string[] };
    expect(document.claims_supported).toContain('roles');
    expect(document.scopes_supported).toContain('roles');
  });

  async function clientScope(client: Client): Promise<string> {
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (response.status !== 200) return `error ${body.error ?? response.status}`;
    const { scope } = decodeJwt(body.access_token!);
    return typeof scope === 'string' ? scope : '';
  }

  it("gives a request without a scope the profile's default scope when the client has none, and the client's when it has one", async () => {
    const created = await server.admin('POST', '/profiles', { name: 'narrow', default_scope: 'read' });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { default_scope: string | null }).default_scope).toBe('read');
    const inherits = await server.createClient({ scope: 'read write', profile: 'narrow' });
    expect(inherits.default_scope).toBeNull();
    await expect.poll(() => clientScope(inherits)).toBe('read');

    // The client's own default wins, an empty one too.
    const own = await server.createClient({ scope: 'read write', profile: 'narrow', default_scope: 'write' });
    expect(await clientScope(own)).toBe('write');
    const none = await server.createClient({ scope: 'read write', profile: 'narrow', default_scope: '' });
    expect(await clientScope(none)).toBe('');

    // The profile's empty default: a token good only for resources that need no scope.
    expect((await server.admin('PATCH', '/profiles/narrow', { default_scope: '' })).status).toBe(200);
    await expect.poll(() => clientScope(inherits)).toBe('');
    // Not set: every allowed element, as before.
    const cleared = await server.admin('PATCH', '/profiles/narrow', { default_scope: null });
    expect(((await cleared.json()) as { default_scope: string | null }).default_scope).toBeNull();
    await expect.poll(() => clientScope(inherits)).toBe('read write');
    // A default naming an element the client may not have is refused like a requested one.
    expect((await server.admin('PATCH', '/profiles/narrow', { default_scope: 'admin' })).status).toBe(200);
    await expect.poll(() => clientScope(inherits)).toBe('error invalid_scope');

    const refused = await server.admin('PATCH', '/profiles/narrow', { default_scope: 7 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { field?: string }).field).toBe('default_scope');
  });
});
