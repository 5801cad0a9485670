import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserAgent, formsOf, pkcePair } from '../helpers/browser-agent.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

// RFC 9700 (OAuth 2.0 Security BCP) attacks on browser sign-in (the authorization code flow with PKCE and the
// hosted pages), one test each, over HTTP against a real server on both stores.

const REDIRECT_URI = 'https://app.example/callback';
const PORTED_URI = 'https://app.example:8443/cb';
const LOOPBACK_V4 = 'http://127.0.0.1/cb';
const LOOPBACK_V6 = 'http://[::1]:8080/cb';
const LOCALHOST = 'http://localhost:3000/cb';
const SIGNED_OUT_URI = 'https://app.example/signed-out';
const PASSWORD = 'correct horse battery 1';

type Client = { client_id: string; client_secret: string } & Record<string, unknown>;
type Pkce = { verifier: string; challenge: string };

function authorizeUrl(clientId: string, params: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, ...params }).toString()}`;
}

function withPkce(pkce: Pkce, params: Record<string, string> = {}): Record<string, string> {
  return { code_challenge: pkce.challenge, code_challenge_method: 'S256', scope: 'reports offline_access', ...params };
}

function expectPageHeaders(response: Response, what: string): void {
  expect(response.headers.get('x-frame-options'), what).toBe('DENY');
  expect(response.headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
}

async function expectPageNotRedirect(response: Response, what: string, status = 400): Promise<void> {
  expect(response.status, what).toBe(status);
  expect(response.headers.get('location'), what).toBeNull();
  expect(response.headers.get('content-type'), what).toMatch(/^text\/html/);
  expectPageHeaders(response, what);
  await response.arrayBuffer();
}

describe.each(STORES)('attack: browser sign-in on %s', (store) => {
  let server: TestServer;
  let app: Client;
  let otherPublic: Client;
  let confidential: Client;
  let consenting: Client;
  let introspector: Client;
  let aliceId: string;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { passwordRateLimitPerAddress: 10_000, passwordRateLimitPerClient: 10_000 } });
    const created = await server.admin('POST', '/users', { username: 'alice', password: PASSWORD });
    expect(created.status).toBe(201);
    aliceId = ((await created.json()) as { id: string }).id;
    expect((await server.admin('POST', '/users', { username: 'mallory', password: PASSWORD })).status).toBe(201);
    const browserClient = {
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI, PORTED_URI, LOOPBACK_V4, LOOPBACK_V6, LOCALHOST],
      post_logout_redirect_uris: [SIGNED_OUT_URI],
      refresh_tokens: true,
      skip_consent: true,
      scope: 'reports',
    };
    app = await server.createClient({ ...browserClient, client_name: 'Reports' });
    otherPublic = await server.createClient({ ...browserClient, client_name: 'Other' });
    confidential = await server.createClient({ ...browserClient, token_endpoint_auth_method: 'client_secret_basic', client_name: 'Confidential' });
    consenting = await server.createClient({ ...browserClient, skip_consent: false, client_name: 'Third party' });
    introspector = await server.createClient({ grant_types: ['client_credentials'], scope: 'reports' });
  });
  afterAll(async () => {
    await server.close();
  });

  /** Runs the flow through the pages for `username`; returns the browser's answer (the redirect to the client). */
  async function signIn(browser: BrowserAgent, client: Client, pkce: Pkce, params: Record<string, string> = {}, username = 'alice'): Promise<URL> {
    const start = await browser.get(authorizeUrl(client.client_id, withPkce(pkce, params)));
    expect(start.status).toBe(303);
    let location = start.headers.get('location')!;
    if (location.startsWith(`${server.url}/sign-in/`)) {
      const csrf = formsOf(await (await browser.get(location)).text()).inputs.get('csrf')!;
      const signedIn = await browser.post(location, { csrf, step: 'sign-in', username, password: PASSWORD });
      expect(signedIn.status).toBe(303);
      location = signedIn.headers.get('location')!;
    }
    return new URL(location);
  }

  async function codeFor(client: Client, pkce: Pkce, browser = new BrowserAgent(server.url)): Promise<string> {
    const callback = await signIn(browser, client, pkce);
    const code = callback.searchParams.get('code');
    expect(code, callback.href).not.toBeNull();
    return code!;
  }

  function exchange(client: Client, code: string, verifier: string | undefined, options: { secret?: string; redirectUri?: string } = {}): Promise<Response> {
    const params: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: options.redirectUri ?? REDIRECT_URI, client_id: client.client_id };
    if (verifier !== undefined) params.code_verifier = verifier;
    return postForm(`${server.url}/oauth/token`, params, options.secret === undefined ? {} : { authorization: basicAuth(client.client_id, options.secret) });
  }

  async function introspect(token: string): Promise<{ active: boolean }> {
    const response = await postForm(`${server.url}/oauth/introspect`, { token }, { authorization: basicAuth(introspector.client_id, introspector.client_secret) });
    expect(response.status).toBe(200);
    return (await response.json()) as { active: boolean };
  }

  async function refresh(client: Client, refreshToken: string): Promise<Response> {
    return postForm(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });
  }

  async function expectInvalidGrant(response: Response, what: string): Promise<void> {
    expect(response.status, what).toBe(400);
    expect(await response.json(), what).toMatchObject({ error: 'invalid_grant' });
  }

  describe('authorization code injection and replay (RFC 9700 §4.5, RFC 6749 §4.1.2)', () => {
    it('refuses a second redemption of a code and revokes the tokens of the first', async () => {
      const pkce = pkcePair();
      const code = await codeFor(app, pkce);
      const first = await exchange(app, code, pkce.verifier);
      expect(first.status).toBe(200);
      const tokens = (await first.json()) as { access_token: string; refresh_token: string };
      expect(await introspect(tokens.access_token)).toMatchObject({ active: true });

      await expectInvalidGrant(await exchange(app, code, pkce.verifier), 'replay');
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
      await expectInvalidGrant(await refresh(app, tokens.refresh_token), 'refresh token of the replayed code');
    });

    it('revokes, on a replay, the tokens refreshed from the code too', async () => {
      const pkce = pkcePair();
      const code = await codeFor(app, pkce);
      const first = (await (await exchange(app, code, pkce.verifier)).json()) as { refresh_token: string };
      const refreshed = await refresh(app, first.refresh_token);
      expect(refreshed.status).toBe(200);
      const successor = (await refreshed.json()) as { access_token: string; refresh_token: string };
      expect(await introspect(successor.access_token)).toMatchObject({ active: true });

      // Presented by another client, the replay still tells that the code leaked.
      await expectInvalidGrant(await exchange(otherPublic, code, pkce.verifier), 'replay by another client');
      expect(await introspect(successor.access_token)).toEqual({ active: false });
      await expectInvalidGrant(await refresh(app, successor.refresh_token), 'refreshed refresh token');
    });

    it("refuses a public client's code presented by another public client, and by a confidential one", async () => {
      for (const [thief, secret] of [
        [otherPublic, undefined],
        [confidential, confidential.client_secret],
      ] as const) {
        const pkce = pkcePair();
        const code = await codeFor(app, pkce);
        await expectInvalidGrant(await exchange(thief, code, pkce.verifier, { secret }), String(thief.client_name));
      }
    });

    it("refuses a confidential client's code presented by a public client, and without the client's secret", async () => {
      const pkce = pkcePair();
      const code = await codeFor(confidential, pkce);
      await expectInvalidGrant(await exchange(otherPublic, code, pkce.verifier), 'another public client');
      const unauthenticated = await exchange(confidential, code, pkce.verifier);
      expect(unauthenticated.status).toBe(401);
      expect(await unauthenticated.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('redeems a code once under 10 concurrent redemptions, and the replays revoke what the winner got', async () => {
      const pkce = pkcePair();
      const code = await codeFor(app, pkce);
      const answers = await Promise.all(Array.from({ length: 10 }, async () => exchange(app, code, pkce.verifier)));
      const bodies = await Promise.all(answers.map(async (answer) => ({ status: answer.status, body: (await answer.json()) as Record<string, string> })));
      const won = bodies.filter((answer) => answer.status === 200);
      expect(won).toHaveLength(1);
      expect(bodies.filter((answer) => answer.status === 400 && answer.body.error === 'invalid_grant')).toHaveLength(9);
      // Whichever finished first, a replay means the code leaked: the winner's tokens do not survive it.
      expect(await introspect(won[0]!.body.access_token!)).toEqual({ active: false });
      await expectInvalidGrant(await refresh(app, won[0]!.body.refresh_token!), "the winner's refresh token");
    });

    it('refuses a code older than its 60 s lifetime', async () => {
      const pkce = pkcePair();
      const code = await codeFor(app, pkce);
      const db = server.gatehouse.store.db;
      const stored = await db.selectFrom('authorization_codes').select(['created_at', 'expires_at']).where('client_id', '=', app.client_id).where('used_at', 'is', null).execute();
      expect(stored).toHaveLength(1);
      expect(Number(stored[0]!.expires_at) - Number(stored[0]!.created_at)).toBeLessThanOrEqual(60_000);
      const now = Date.now();
      await db
        .updateTable('authorization_codes')
        .set({ created_at: now - 61_000, expires_at: now - 1_000 })
        .where('client_id', '=', app.client_id)
        .where('used_at', 'is', null)
        .execute();
      await expectInvalidGrant(await exchange(app, code, pkce.verifier), 'expired code');
    });

    it('refuses the code of a user disabled between sign-in and redemption', async () => {
      const pkce = pkcePair();
      const browser = new BrowserAgent(server.url);
      const code = await codeFor(app, pkce, browser);
      expect((await server.admin('PATCH', `/users/${aliceId}`, { enabled: false })).status).toBe(200);
      try {
        await expectInvalidGrant(await exchange(app, code, pkce.verifier), 'disabled user');
        // Nor does the browser session of the disabled user answer any more.
        const none = await browser.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { prompt: 'none' })));
        expect(new URL(none.headers.get('location')!).searchParams.get('error')).toBe('login_required');
      } finally {
        expect((await server.admin('PATCH', `/users/${aliceId}`, { enabled: true })).status).toBe(200);
      }
    });
  });

  describe('redirect URI manipulation (RFC 9700 §4.1, §2.1)', () => {
    const MISMATCHES: [string, string][] = [
      ['prefix', 'https://app.example/call'],
      ['suffix', 'https://app.example/callback/evil'],
      ['suffix without a slash', 'https://app.example/callbackx'],
      ['path case', 'https://app.example/Callback'],
      ['host case', 'https://APP.example/callback'],
      ['scheme case', 'HTTPS://app.example/callback'],
      ['trailing slash', 'https://app.example/callback/'],
      ['added query', 'https://app.example/callback?next=https://evil.example'],
      ['empty query', 'https://app.example/callback?'],
      ['fragment', 'https://app.example/callback#x'],
      ['empty fragment', 'https://app.example/callback#'],
      ['other port (non-loopback)', 'https://app.example:8444/cb'],
      ['no port (non-loopback)', 'https://app.example/cb'],
      ['default port spelled out', 'https://app.example:443/callback'],
      ['userinfo', 'https://app.example@evil.example/'],
      ['userinfo after the path', 'https://app.example/callback@evil.example'],
      ['userinfo on loopback', 'http://127.0.0.1:8080@evil.example/cb'],
      ['other host', 'https://evil.example/callback'],
      ['subdomain', 'https://app.example.evil.example/callback'],
      ['http instead of https', 'http://app.example/callback'],
      ['percent-encoded path', 'https://app.example/%63allback'],
      ['encoded slash', 'https://app.example%2Fcallback'],
      ['encoded traversal', 'https://app.example/callback%2F..%2F..%2Fevil'],
      ['dot segment', 'https://app.example/callback/../evil'],
      ['encoded NUL', 'https://app.example/callback%00'],
      ['backslash', 'https://app.example\\@evil.example/callback'],
      ['localhost on another port', 'http://localhost:4000/cb'],
      ['loopback other path', 'http://127.0.0.1:5000/other'],
      ['loopback as https', 'https://127.0.0.1/cb'],
      ['loopback look-alike host', 'http://127.0.0.1.evil.example/cb'],
      ['loopback port out of range', 'http://127.0.0.1:99999/cb'],
      ['loopback with a query', 'http://127.0.0.1:5000/cb?x=1'],
      ['javascript', 'javascript:alert(1)'],
      ['relative', '/callback'],
    ];

    it.each(MISMATCHES)('shows a page and never redirects for a %s redirect URI (%s)', async (_, redirectUri) => {
      const pkce = pkcePair();
      const browser = new BrowserAgent(server.url);
      await expectPageNotRedirect(await browser.get(authorizeUrl(app.client_id, withPkce(pkce, { redirect_uri: redirectUri, state: 's' }))), `GET ${redirectUri}`);
      const posted = await browser.post('/oauth/authorize', { response_type: 'code', client_id: app.client_id, redirect_uri: redirectUri, ...withPkce(pkce) });
      await expectPageNotRedirect(posted, `POST ${redirectUri}`);
    });

    it('refuses a repeated redirect_uri (one registered, one not) with a page', async () => {
      const pkce = pkcePair();
      const query = `${authorizeUrl(app.client_id, withPkce(pkce))}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`;
      await expectPageNotRedirect(await new BrowserAgent(server.url).get(query), 'repeated redirect_uri');
    });

    it('lets a loopback IP redirect URI vary its port (RFC 8252 §7.3), and the code answers there only', async () => {
      for (const [registered, presented] of [
        [LOOPBACK_V4, 'http://127.0.0.1:51234/cb'],
        [LOOPBACK_V4, LOOPBACK_V4],
        [LOOPBACK_V6, 'http://[::1]:61000/cb'],
        [LOOPBACK_V6, 'http://[::1]/cb'],
      ] as const) {
        const pkce = pkcePair();
        const browser = new BrowserAgent(server.url);
        const callback = await signIn(browser, app, pkce, { redirect_uri: presented });
        expect(callback.href.startsWith(new URL(presented).href), `${registered} <- ${presented}`).toBe(true);
        const code = callback.searchParams.get('code')!;
        await expectInvalidGrant(
          await exchange(app, code, pkce.verifier, { redirectUri: registered === presented ? REDIRECT_URI : registered }),
          `other redirect_uri at the token endpoint for ${presented}`,
        );
      }
      const pkce = pkcePair();
      const callback = await signIn(new BrowserAgent(server.url), app, pkce, { redirect_uri: 'http://127.0.0.1:40000/cb' });
      expect((await exchange(app, callback.searchParams.get('code')!, pkce.verifier, { redirectUri: 'http://127.0.0.1:40000/cb' })).status).toBe(200);
    });

    it('answers with a page, never a redirect, for an unknown client, a bogus request_uri, or a missing client_id', async () => {
      const pkce = pkcePair();
      const browser = new BrowserAgent(server.url);
      for (const [what, url] of [
        ['unknown client', authorizeUrl('no-such-client', withPkce(pkce, { redirect_uri: 'https://evil.example/cb' }))],
        ['unknown client, registered URI of another', authorizeUrl('no-such-client', withPkce(pkce))],
        ['no client_id', `/oauth/authorize?${new URLSearchParams({ response_type: 'code', redirect_uri: 'https://evil.example/cb', ...withPkce(pkce) }).toString()}`],
        ['bogus request_uri', `/oauth/authorize?${new URLSearchParams({ client_id: app.client_id, request_uri: 'urn:ietf:params:oauth:request_uri:bogus' }).toString()}`],
        ['foreign request_uri', `/oauth/authorize?${new URLSearchParams({ client_id: app.client_id, request_uri: 'https://evil.example/request' }).toString()}`],
        ['no redirect_uri', `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.client_id, ...withPkce(pkce) }).toString()}`],
      ] as const) {
        await expectPageNotRedirect(await browser.get(url), what);
      }
    });

    it('answers with a page for a disabled or an expired client', async () => {
      const pkce = pkcePair();
      const client = await server.createClient({ grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], skip_consent: true, scope: 'reports' });
      expect((await server.admin('PATCH', `/clients/${client.client_id}`, { enabled: false })).status).toBe(200);
      await expectPageNotRedirect(await new BrowserAgent(server.url).get(authorizeUrl(client.client_id, withPkce(pkce))), 'disabled client');

      const expiring = await server.createClient({ grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], skip_consent: true, scope: 'reports' });
      expect((await server.admin('PATCH', `/clients/${expiring.client_id}`, { expires_at: '2020-01-01T00:00:00Z' })).status).toBe(200);
      await expectPageNotRedirect(await new BrowserAgent(server.url).get(authorizeUrl(expiring.client_id, withPkce(pkce))), 'expired client');
    });

    it('refuses the code of a client disabled between sign-in and redemption', async () => {
      const pkce = pkcePair();
      const client = await server.createClient({
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI],
        skip_consent: true,
        refresh_tokens: true,
        scope: 'reports',
      });
      const code = await codeFor(client, pkce);
      expect((await server.admin('PATCH', `/clients/${client.client_id}`, { enabled: false })).status).toBe(200);
      const response = await exchange(client, code, pkce.verifier);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('builds every redirect to the pages from the issuer, whatever Host the request names', async () => {
      const start = await new BrowserAgent(server.url).get(authorizeUrl(app.client_id, withPkce(pkcePair())), { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
      expect(start.status).toBe(303);
      expect(start.headers.get('location')!.startsWith(`${server.url}/sign-in/`)).toBe(true);
    });

    it('ends a session without redirecting to a post_logout_redirect_uri that is not registered', async () => {
      const browser = new BrowserAgent(server.url);
      await signIn(browser, app, pkcePair());
      const session = browser.cookies.get('gatehouse_session')!;
      const forgedHint = `e30.${Buffer.from(JSON.stringify({ aud: app.client_id })).toString('base64url')}.sig`;
      for (const [what, query] of [
        ['unregistered, with client_id', { client_id: app.client_id, post_logout_redirect_uri: 'https://evil.example/' }],
        ['prefix of a registered one', { client_id: app.client_id, post_logout_redirect_uri: 'https://app.example/signed' }],
        ['registered one with a query', { client_id: app.client_id, post_logout_redirect_uri: `${SIGNED_OUT_URI}?x=1` }],
        ['registered for no client named', { post_logout_redirect_uri: SIGNED_OUT_URI }],
        ['unknown client', { client_id: 'no-such-client', post_logout_redirect_uri: 'https://evil.example/' }],
        ['unregistered, through a forged id_token_hint', { id_token_hint: forgedHint, post_logout_redirect_uri: 'https://evil.example/' }],
      ] as const) {
        const url = `/oauth/logout?${new URLSearchParams(query).toString()}`;
        await expectPageNotRedirect(await browser.get(url), `GET ${what}`);
        await expectPageNotRedirect(await browser.post(url, { csrf: browser.cookies.get('gatehouse_browser')! }), `confirmed POST ${what}`);
      }
      expect(browser.cookies.get('gatehouse_session')).toBe(session);
      // The registered one is redirected to, after the person confirms.
      const url = `/oauth/logout?${new URLSearchParams({ client_id: app.client_id, post_logout_redirect_uri: SIGNED_OUT_URI, state: 'bye' }).toString()}`;
      const page = await browser.get(url);
      expect(page.status).toBe(200);
      const done = await browser.post(url, { csrf: formsOf(await page.text()).inputs.get('csrf')! });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`${SIGNED_OUT_URI}?state=bye`);
    });
  });

  describe('PKCE (RFC 9700 §2.1.1, RFC 7636)', () => {
    async function expectRedirectError(response: Response, error: string, what: string): Promise<void> {
      expect(response.status, what).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`, what).toBe(REDIRECT_URI);
      expect(location.searchParams.get('error'), what).toBe(error);
      expect(location.searchParams.get('code'), what).toBeNull();
      expect(location.searchParams.get('iss'), what).toBe(server.url);
    }

    it('refuses an authorization request without a code_challenge, for public and confidential clients', async () => {
      for (const client of [app, confidential]) {
        const response = await new BrowserAgent(server.url).get(authorizeUrl(client.client_id, { scope: 'reports', state: 's' }));
        await expectRedirectError(response, 'invalid_request', String(client.client_name));
        const methodOnly = await new BrowserAgent(server.url).get(authorizeUrl(client.client_id, { scope: 'reports', code_challenge_method: 'S256' }));
        await expectRedirectError(methodOnly, 'invalid_request', `${String(client.client_name)} with a method only`);
      }
    });

    it('refuses the plain method, a missing method and a challenge that is not S256-shaped', async () => {
      const pkce = pkcePair();
      const browser = new BrowserAgent(server.url);
      await expectRedirectError(await browser.get(authorizeUrl(app.client_id, withPkce(pkce, { code_challenge: pkce.verifier, code_challenge_method: 'plain' }))), 'invalid_request', 'plain');
      await expectRedirectError(await browser.get(authorizeUrl(app.client_id, { scope: 'reports', code_challenge: pkce.challenge })), 'invalid_request', 'no method (plain by default)');
      await expectRedirectError(await browser.get(authorizeUrl(app.client_id, withPkce(pkce, { code_challenge_method: 's256' }))), 'invalid_request', 'lower-case method');
      await expectRedirectError(await browser.get(authorizeUrl(app.client_id, withPkce(pkce, { code_challenge: `${pkce.challenge}=` }))), 'invalid_request', 'padded challenge');
      await expectRedirectError(await browser.get(authorizeUrl(app.client_id, withPkce(pkce, { code_challenge: 'a'.repeat(128) }))), 'invalid_request', 'long challenge');
    });

    it('refuses a code redeemed without a code_verifier', async () => {
      const pkce = pkcePair();
      const code = await codeFor(app, pkce);
      const response = await exchange(app, code, undefined);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses a wrong code_verifier', async () => {
      const pkce = pkcePair();
      const code = await codeFor(app, pkce);
      await expectInvalidGrant(await exchange(app, code, pkcePair().verifier), 'wrong verifier');
    });

    it("refuses the verifier of another flow (the attacker's own)", async () => {
      const victim = pkcePair();
      const attacker = pkcePair();
      const victimCode = await codeFor(app, victim);
      const attackerCode = await codeFor(app, attacker, new BrowserAgent(server.url));
      await expectInvalidGrant(await exchange(app, victimCode, attacker.verifier), "victim's code, attacker's verifier");
      await expectInvalidGrant(await exchange(app, attackerCode, victim.verifier), "attacker's code, victim's verifier");
    });

    it('refuses a verifier shorter than 43 characters even when its challenge matches', async () => {
      const { createHash } = await import('node:crypto');
      const verifier = 'a'.repeat(42);
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const code = await codeFor(app, { verifier, challenge });
      await expectInvalidGrant(await exchange(app, code, verifier), 'short verifier');
    });
  });

  describe('mix-up (RFC 9700 §4.4, RFC 9207)', () => {
    it('puts iss, equal to the issuer, in every authorization response, success or error', async () => {
      const browser = new BrowserAgent(server.url);
      const answers: [string, URL][] = [];
      answers.push(['code through the pages', await signIn(browser, app, pkcePair(), { state: 'a' })]);
      answers.push(['code from the session', await signIn(browser, app, pkcePair(), { state: 'b' })]);
      const fresh = new BrowserAgent(server.url);
      const redirectOf = async (response: Response) => new URL(response.headers.get('location')!);
      answers.push(['login_required', await redirectOf(await fresh.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { prompt: 'none' }))))]);
      answers.push(['invalid_request', await redirectOf(await fresh.get(authorizeUrl(app.client_id, { scope: 'reports' })))]);
      answers.push(['unsupported_response_type', await redirectOf(await fresh.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { response_type: 'token' }))))]);
      answers.push(['consent_required', await redirectOf(await browser.get(authorizeUrl(consenting.client_id, withPkce(pkcePair(), { prompt: 'none' }))))]);
      // The person cancels, and denies consent.
      const cancelStart = await fresh.get(authorizeUrl(app.client_id, withPkce(pkcePair())));
      const cancelPage = cancelStart.headers.get('location')!;
      answers.push(['cancelled', await redirectOf(await fresh.post(cancelPage, { csrf: fresh.cookies.get('gatehouse_browser')!, step: 'cancel' }))]);
      const denyPage = (await browser.get(authorizeUrl(consenting.client_id, withPkce(pkcePair())))).headers.get('location')!;
      expect(denyPage).toContain('/sign-in/');
      answers.push(['consent denied', await redirectOf(await browser.post(denyPage, { csrf: browser.cookies.get('gatehouse_browser')!, step: 'consent', decision: 'deny' }))]);
      for (const [what, location] of answers) {
        expect(`${location.origin}${location.pathname}`, what).toBe(REDIRECT_URI);
        expect(location.searchParams.getAll('iss'), what).toEqual([server.url]);
      }

      // form_post carries it too.
      const posted = await browser.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { response_mode: 'form_post' })));
      expect(posted.status).toBe(200);
      expectPageHeaders(posted, 'form_post page');
      expect(formsOf(await posted.text()).inputs.get('iss')).toBe(server.url);
    });

    it('says so in the metadata once the code flow is advertised', async () => {
      const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(metadata.issuer).toBe(server.url);
      // The oidc branch advertises response_type code and RFC 9207 together; before it, neither.
      if ((metadata.response_types_supported as string[]).includes('code')) expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    });
  });

  describe('CSRF on the pages (RFC 9700 §4.7)', () => {
    async function startedPage(browser: BrowserAgent, client = app): Promise<string> {
      const start = await browser.get(authorizeUrl(client.client_id, withPkce(pkcePair())));
      expect(start.status).toBe(303);
      const page = start.headers.get('location')!;
      expect(page).toContain('/sign-in/');
      return page;
    }

    it('refuses a sign-in posted without the browser cookie', async () => {
      const victim = new BrowserAgent(server.url);
      const page = await startedPage(victim);
      const csrf = victim.cookies.get('gatehouse_browser')!;
      const forged = new BrowserAgent(server.url);
      await expectPageNotRedirect(await forged.post(page, { csrf, step: 'sign-in', username: 'alice', password: PASSWORD }), 'no cookie', 403);
      expect(forged.cookies.has('gatehouse_session')).toBe(false);
    });

    it("refuses a sign-in posted with another browser's cookie", async () => {
      const victim = new BrowserAgent(server.url);
      const page = await startedPage(victim);
      const attacker = new BrowserAgent(server.url);
      await startedPage(attacker);
      const attackerToken = attacker.cookies.get('gatehouse_browser')!;
      expect(attackerToken).not.toBe(victim.cookies.get('gatehouse_browser'));
      await expectPageNotRedirect(await attacker.post(page, { csrf: attackerToken, step: 'sign-in', username: 'alice', password: PASSWORD }), "attacker's cookie", 403);
      expect(attacker.cookies.has('gatehouse_session')).toBe(false);
    });

    it('refuses a form whose csrf field differs from the cookie', async () => {
      const browser = new BrowserAgent(server.url);
      const page = await startedPage(browser);
      const token = browser.cookies.get('gatehouse_browser')!;
      for (const csrf of ['', 'A'.repeat(43), token.slice(0, -1), `${token}x`, token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase()]) {
        await expectPageNotRedirect(await browser.post(page, { csrf, step: 'sign-in', username: 'alice', password: PASSWORD }), `csrf '${csrf}'`, 403);
      }
      await expectPageNotRedirect(await browser.post(page, { step: 'sign-in', username: 'alice', password: PASSWORD }), 'no csrf field', 403);
      expect(browser.cookies.has('gatehouse_session')).toBe(false);
      // The right token still works: nothing above consumed the interaction.
      const done = await browser.post(page, { csrf: token, step: 'sign-in', username: 'alice', password: PASSWORD });
      expect(done.status).toBe(303);
    });

    it("refuses login CSRF: the attacker's interaction posted from the victim's browser", async () => {
      const attacker = new BrowserAgent(server.url);
      const attackersPage = await startedPage(attacker);
      const victim = new BrowserAgent(server.url);
      await startedPage(victim);
      const victimToken = victim.cookies.get('gatehouse_browser')!;
      // Even a form that somehow carries the victim's own token cannot sign the victim's browser in to the attacker's interaction.
      await expectPageNotRedirect(await victim.post(attackersPage, { csrf: victimToken, step: 'sign-in', username: 'mallory', password: PASSWORD }), "victim's token", 403);
      await expectPageNotRedirect(
        await victim.post(attackersPage, { csrf: attacker.cookies.get('gatehouse_browser')!, step: 'sign-in', username: 'mallory', password: PASSWORD }),
        "attacker's token",
        403,
      );
      // A victim without any cookie yet (a cross-site POST carries no Lax cookie).
      const bare = new BrowserAgent(server.url);
      await expectPageNotRedirect(await bare.post(attackersPage, { csrf: attacker.cookies.get('gatehouse_browser')!, step: 'sign-in', username: 'mallory', password: PASSWORD }), 'bare browser', 403);
      expect(victim.cookies.has('gatehouse_session')).toBe(false);
      expect(bare.cookies.has('gatehouse_session')).toBe(false);
      // Nor can the attacker read the victim's page.
      await expectPageNotRedirect(await victim.get(attackersPage), "victim's GET of the attacker's page", 403);
    });

    it('refuses a consent posted without the csrf token, and a sign-out posted with a wrong one', async () => {
      const browser = new BrowserAgent(server.url);
      await signIn(browser, app, pkcePair());
      const page = await startedPage(browser, consenting);
      await expectPageNotRedirect(await browser.post(page, { csrf: 'A'.repeat(43), step: 'consent', decision: 'allow' }), 'consent', 403);
      await expectPageNotRedirect(await browser.post('/oauth/logout', { csrf: 'A'.repeat(43) }), 'sign-out', 403);
      // Still signed in: single sign-on answers.
      const again = await signIn(browser, app, pkcePair(), { prompt: 'none' });
      expect(again.searchParams.get('code')).not.toBeNull();
    });
    it('refuses a consent withdrawal on the account page posted without the csrf token', async () => {
      // Its own client: the consent granted here would change what other tests are asked.
      const allowing = await server.createClient({ grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], refresh_tokens: true, scope: 'reports' });
      const browser = new BrowserAgent(server.url);
      await signIn(browser, app, pkcePair());
      const page = await startedPage(browser, allowing);
      const allowed = await browser.post(page, { csrf: browser.cookies.get('gatehouse_browser')!, step: 'consent', decision: 'allow' });
      expect(allowed.status).toBe(303);
      for (const csrf of [undefined, 'A'.repeat(43)]) {
        const form: Record<string, string> = { client_id: allowing.client_id, ...(csrf === undefined ? {} : { csrf }) };
        await expectPageNotRedirect(await browser.post('/account', form), `withdrawal, csrf ${String(csrf)}`, 403);
      }
      // The consent stands: prompt=none is answered with a code.
      const again = await browser.get(authorizeUrl(allowing.client_id, withPkce(pkcePair(), { prompt: 'none' })));
      expect(new URL(again.headers.get('location')!).searchParams.get('code')).not.toBeNull();
    });
  });

  describe('pushed requests (RFC 9126 §4)', () => {
    it('takes a request_uri once under 10 concurrent uses', async () => {
      const pushed = await postForm(
        `${server.url}/oauth/par`,
        { response_type: 'code', redirect_uri: REDIRECT_URI, ...withPkce(pkcePair()) },
        { authorization: basicAuth(confidential.client_id, confidential.client_secret) },
      );
      const { request_uri: requestUri } = (await pushed.json()) as { request_uri: string };
      const url = `/oauth/authorize?${new URLSearchParams({ client_id: confidential.client_id, request_uri: requestUri }).toString()}`;
      const answers = await Promise.all(Array.from({ length: 10 }, async () => new BrowserAgent(server.url).get(url)));
      expect(answers.filter((answer) => answer.status === 303)).toHaveLength(1);
      for (const answer of answers.filter((response) => response.status !== 303)) await expectPageNotRedirect(answer, 'used request_uri');
    });

    it("refuses a request_uri pushed by one client when another client's id is presented with it", async () => {
      const pkce = pkcePair();
      const pushed = await postForm(
        `${server.url}/oauth/par`,
        { response_type: 'code', redirect_uri: REDIRECT_URI, ...withPkce(pkce) },
        { authorization: basicAuth(confidential.client_id, confidential.client_secret) },
      );
      expect(pushed.status).toBe(201);
      const { request_uri: requestUri } = (await pushed.json()) as { request_uri: string };
      const browser = new BrowserAgent(server.url);
      await expectPageNotRedirect(await browser.get(`/oauth/authorize?${new URLSearchParams({ client_id: app.client_id, request_uri: requestUri }).toString()}`), 'another client');
    });
  });

  describe('markup injection into the pages', () => {
    const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>';

    it('escapes what the request carries: login_hint on the sign-in page, state on the form_post page', async () => {
      const browser = new BrowserAgent(server.url);
      const start = await browser.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { login_hint: HOSTILE })));
      const page = await browser.get(start.headers.get('location')!);
      const html = await page.text();
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(formsOf(html).inputs.get('username')).toBe(HOSTILE);

      await signIn(browser, app, pkcePair());
      const posted = await browser.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { response_mode: 'form_post', state: HOSTILE })));
      const postedHtml = await posted.text();
      expect(postedHtml).not.toContain('<script>alert');
      expect(formsOf(postedHtml).inputs.get('state')).toBe(HOSTILE);
      // The only script is the page's own, under the CSP nonce.
      const nonce = /'nonce-([^']+)'/.exec(posted.headers.get('content-security-policy')!)![1]!;
      for (const tag of postedHtml.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
    });

    it('keeps a code out of caches: the redirect that carries it is no-store', async () => {
      const browser = new BrowserAgent(server.url);
      await signIn(browser, app, pkcePair());
      const answer = await browser.get(authorizeUrl(app.client_id, withPkce(pkcePair())));
      expect(new URL(answer.headers.get('location')!).searchParams.get('code')).not.toBeNull();
      expect(answer.headers.get('cache-control')).toContain('no-store');
    });
  });

  describe('clickjacking (RFC 9700 §4.16)', () => {
    it('sends X-Frame-Options DENY and frame-ancestors none on every page', async () => {
      const browser = new BrowserAgent(server.url);
      const pages: [string, Response][] = [];
      pages.push(['unknown client', await browser.get(authorizeUrl('no-such-client', withPkce(pkcePair())))]);
      pages.push(['POST authorize, not a form', await fetch(`${server.url}/oauth/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })]);
      const start = await browser.get(authorizeUrl(consenting.client_id, withPkce(pkcePair(), { prompt: 'consent' })));
      const page = start.headers.get('location')!;
      pages.push(['sign-in', await browser.get(page)]);
      const csrf = browser.cookies.get('gatehouse_browser')!;
      pages.push(['wrong password', await browser.post(page, { csrf, step: 'sign-in', username: 'alice', password: 'wrong' })]);
      pages.push(['consent', await browser.post(page, { csrf, step: 'sign-in', username: 'alice', password: PASSWORD })]);
      pages.push(['incomplete form', await browser.post(page, { csrf, step: 'nothing' })]);
      pages.push(['csrf refused', await new BrowserAgent(server.url).post(page, { csrf, step: 'cancel' })]);
      pages.push(['form_post', await browser.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { response_mode: 'form_post' })))]);
      pages.push(['unknown interaction', await browser.get(`/sign-in/${'A'.repeat(43)}`)]);
      pages.push(['malformed interaction', await browser.get('/sign-in/x')]);
      pages.push(['account', await browser.get('/account')]);
      pages.push(['account, signed out', await new BrowserAgent(server.url).get('/account')]);
      pages.push(['sign-out', await browser.get('/oauth/logout')]);
      pages.push(['signed out', await browser.post('/oauth/logout', { csrf })]);
      for (const [what, response] of pages) {
        expect(response.headers.get('content-type'), what).toMatch(/^text\/html/);
        expectPageHeaders(response, what);
        // The sign-in page's URL names the interaction: it is not sent on to other sites either.
        expect(response.headers.get('referrer-policy'), what).toBe('no-referrer');
        await response.arrayBuffer();
      }
    });
  });

  describe('307 redirect (RFC 9700 §4.12)', () => {
    it('answers every POST of the pages that goes to the client with 303, so the password is never posted on to it', async () => {
      const browser = new BrowserAgent(server.url);
      const start = await browser.get(authorizeUrl(consenting.client_id, withPkce(pkcePair(), { prompt: 'consent' })));
      const page = start.headers.get('location')!;
      const csrf = browser.cookies.get('gatehouse_browser')!;
      expect((await browser.post(page, { csrf, step: 'sign-in', username: 'alice', password: PASSWORD })).status).toBe(200);
      const allowed = await browser.post(page, { csrf, step: 'consent', decision: 'allow' });
      expect(allowed.status).toBe(303);
      expect(new URL(allowed.headers.get('location')!).searchParams.get('code')).not.toBeNull();

      const direct = new BrowserAgent(server.url);
      const directPage = (await direct.get(authorizeUrl(app.client_id, withPkce(pkcePair())))).headers.get('location')!;
      const signedIn = await direct.post(directPage, { csrf: direct.cookies.get('gatehouse_browser')!, step: 'sign-in', username: 'alice', password: PASSWORD });
      expect(signedIn.status).toBe(303);
      const cancelPage = (await direct.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { prompt: 'login' })))).headers.get('location')!;
      expect((await direct.post(cancelPage, { csrf: direct.cookies.get('gatehouse_browser')!, step: 'cancel' })).status).toBe(303);
    });
  });

  describe('session fixation and sign-out (RFC 9700 §4.7, OIDC RP-initiated logout)', () => {
    it('replaces a session cookie planted before sign-in, and the planted session gives nothing', async () => {
      // The attacker signs in as himself and plants his session cookie in the victim's browser.
      const attacker = new BrowserAgent(server.url);
      await signIn(attacker, app, pkcePair(), {}, 'mallory');
      const planted = attacker.cookies.get('gatehouse_session')!;
      const victim = new BrowserAgent(server.url);
      victim.cookies.set('gatehouse_session', planted);
      await signIn(victim, app, pkcePair(), { prompt: 'login' });
      const after = victim.cookies.get('gatehouse_session');
      expect(after).toBeDefined();
      expect(after).not.toBe(planted);
      // A made-up value planted is not adopted either.
      const madeUp = new BrowserAgent(server.url);
      madeUp.cookies.set('gatehouse_session', 'B'.repeat(43));
      await signIn(madeUp, app, pkcePair());
      expect(madeUp.cookies.get('gatehouse_session')).not.toBe('B'.repeat(43));
      // The planted (attacker's) session ended when the victim signed in over it.
      const replay = new BrowserAgent(server.url);
      replay.cookies.set('gatehouse_session', planted);
      const none = await replay.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { prompt: 'none' })));
      expect(new URL(none.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    });

    it('ends no session on a GET of the logout endpoint (a cross-site link or image)', async () => {
      const browser = new BrowserAgent(server.url);
      await signIn(browser, app, pkcePair());
      const session = browser.cookies.get('gatehouse_session')!;
      const query = new URLSearchParams({ client_id: app.client_id, post_logout_redirect_uri: SIGNED_OUT_URI }).toString();
      expect((await browser.get(`/oauth/logout?${query}`)).status).toBe(200);
      // An RP's POST of the logout request (no csrf field) is asked to confirm too.
      expect((await browser.post(`/oauth/logout?${query}`, {})).status).toBe(200);
      expect(browser.cookies.get('gatehouse_session')).toBe(session);
      const again = await signIn(browser, app, pkcePair(), { prompt: 'none' });
      expect(again.searchParams.get('code')).not.toBeNull();
    });

    it('ends the session server-side at sign-out: the old cookie no longer gives single sign-on', async () => {
      const browser = new BrowserAgent(server.url);
      await signIn(browser, app, pkcePair());
      const session = browser.cookies.get('gatehouse_session')!;
      const confirm = await browser.get('/oauth/logout');
      const done = await browser.post('/oauth/logout', { csrf: formsOf(await confirm.text()).inputs.get('csrf')! });
      expect(done.status).toBe(200);
      expect(browser.cookies.has('gatehouse_session')).toBe(false);
      expect(done.headers.get('set-cookie')).toMatch(/gatehouse_session=;/);
      const stolen = new BrowserAgent(server.url);
      stolen.cookies.set('gatehouse_session', session);
      const none = await stolen.get(authorizeUrl(app.client_id, withPkce(pkcePair(), { prompt: 'none', state: 'x' })));
      expect(none.status).toBe(303);
      const location = new URL(none.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('login_required');
      expect(location.searchParams.get('code')).toBeNull();
    });
  });
});

describe.each(STORES)('attack: password guessing through the sign-in page on %s', (store) => {
  const LIMIT = 5;
  let server: TestServer;
  let app: Client;
  let passwordClient: Client;

  beforeAll(async () => {
    server = await startTestServer({
      store,
      config: {
        trustedProxies: ['127.0.0.1', '::1'],
        passwordRateLimitPerAddress: LIMIT,
        passwordRateLimitPerClient: 10_000,
        lockoutThreshold: LIMIT,
        tokenRateLimitPerAddress: 100_000,
        tokenRateLimitPerClient: 100_000,
      },
    });
    for (const username of ['alice', 'bob', 'carol']) expect((await server.admin('POST', '/users', { username, password: PASSWORD })).status).toBe(201);
    app = await server.createClient({ grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], skip_consent: true, scope: 'reports' });
    passwordClient = await server.createClient({ grant_types: ['password'], scope: 'reports' });
  });
  afterAll(async () => {
    await server.close();
  });

  async function openPage(address: string): Promise<{ browser: BrowserAgent; page: string; csrf: string }> {
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const start = await browser.get(authorizeUrl(app.client_id, withPkce(pkce)), { 'x-forwarded-for': address });
    expect(start.status).toBe(303);
    return { browser, page: start.headers.get('location')!, csrf: browser.cookies.get('gatehouse_browser')! };
  }

  function passwordGrant(username: string, password: string, address: string): Promise<Response> {
    return postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'password', username, password, scope: 'reports' },
      { authorization: basicAuth(passwordClient.client_id, passwordClient.client_secret), 'x-forwarded-for': address },
    );
  }

  async function expectLimited(response: Response, what: string): Promise<void> {
    expect(response.status, what).toBe(429);
    expect(Number(response.headers.get('retry-after')), what).toBeGreaterThan(0);
  }

  it(`limits wrong passwords from one address to ${LIMIT} a minute, as the password grant, and they share the count`, async () => {
    const { browser, page, csrf } = await openPage('198.51.100.1');
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      const wrong = await browser.post(page, { csrf, step: 'sign-in', username: `guess-${attempt}`, password: 'wrong' }, { 'x-forwarded-for': '198.51.100.1' });
      expect(wrong.status, `attempt ${attempt}`).toBe(400);
      await wrong.arrayBuffer();
    }
    const limited = await browser.post(page, { csrf, step: 'sign-in', username: 'alice', password: PASSWORD }, { 'x-forwarded-for': '198.51.100.1' });
    await expectLimited(limited, 'sign-in page');
    expectPageHeaders(limited, '429 page');
    expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
    expect(browser.cookies.has('gatehouse_session')).toBe(false);
    // The password grant from that address is out of checks too.
    await expectLimited(await passwordGrant('alice', PASSWORD, '198.51.100.1'), 'password grant after the page');

    // The password grant alone hits the same limit at the same count.
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      const wrong = await passwordGrant(`guess-${attempt}`, 'wrong', '198.51.100.2');
      expect(wrong.status, `grant attempt ${attempt}`).toBe(400);
    }
    await expectLimited(await passwordGrant('alice', PASSWORD, '198.51.100.2'), 'password grant');
  });

  it(`holds the per-address limit under a concurrent burst of 50 (at most ${LIMIT} checked)`, { timeout: 60_000 }, async () => {
    const address = '198.51.100.3';
    const { browser, page, csrf } = await openPage(address);
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const response = await browser.post(page, { csrf, step: 'sign-in', username: `burst-${index}`, password: 'wrong' }, { 'x-forwarded-for': address });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(50 - LIMIT);
    expect(statuses.every((status) => status === 400 || status === 429)).toBe(true);
  });

  it(`holds the per-user limit under a concurrent burst from many addresses (at most ${LIMIT} checked), and locks the user for the grant too`, { timeout: 60_000 }, async () => {
    const opened = await Promise.all(Array.from({ length: 30 }, async (_, index) => ({ address: `203.0.113.${index + 1}`, ...(await openPage(`203.0.113.${index + 1}`)) })));
    const statuses = await Promise.all(
      opened.map(async ({ browser, page, csrf, address }) => {
        const response = await browser.post(page, { csrf, step: 'sign-in', username: 'bob', password: 'wrong' }, { 'x-forwarded-for': address });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(30 - LIMIT);
    // Bob's right password is refused now, on the page and at the token endpoint.
    const { browser, page, csrf } = await openPage('192.0.2.50');
    await expectLimited(await browser.post(page, { csrf, step: 'sign-in', username: 'bob', password: PASSWORD }, { 'x-forwarded-for': '192.0.2.50' }), 'page, right password');
    expect(browser.cookies.has('gatehouse_session')).toBe(false);
    await expectLimited(await passwordGrant('bob', PASSWORD, '192.0.2.51'), 'grant, right password');
  });
});

/** Two instances on one PostgreSQL database: a replay on one instance revokes what a redemption on the other gave. */
describe('attack: concurrent code replay across two instances on postgres', () => {
  let a: TestServer;
  let b: TestServer;
  let app: Client;
  let introspector: Client;

  beforeAll(async () => {
    a = await startTestServer({ store: 'postgres' });
    b = await startTestServer({ store: 'postgres', database: { url: a.databaseUrl!, name: 'shared', drop: async () => undefined } });
    // One issuer for both, as instances of one deployment have.
    b.config.issuer = a.config.issuer;
    expect((await a.admin('POST', '/users', { username: 'alice', password: PASSWORD })).status).toBe(201);
    app = await a.createClient({ grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], skip_consent: true, refresh_tokens: true, scope: 'reports' });
    introspector = await a.createClient({ grant_types: ['client_credentials'], scope: 'reports' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("redeems once across both instances, and the replays revoke the winner's tokens on both", async () => {
    // B knows the clients once the change feed has brought them.
    await expect.poll(async () => (await postForm(`${b.url}/oauth/introspect`, { token: 'x' }, { authorization: basicAuth(introspector.client_id, introspector.client_secret) })).status).toBe(200);
    const browser = new BrowserAgent(a.url);
    const pkce = pkcePair();
    const start = await browser.get(authorizeUrl(app.client_id, withPkce(pkce)));
    const page = start.headers.get('location')!;
    const signedIn = await browser.post(page, { csrf: browser.cookies.get('gatehouse_browser')!, step: 'sign-in', username: 'alice', password: PASSWORD });
    const code = new URL(signedIn.headers.get('location')!).searchParams.get('code')!;

    const answers = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const response = await postForm(`${(index % 2 === 0 ? a : b).url}/oauth/token`, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          client_id: app.client_id,
          code_verifier: pkce.verifier,
        });
        return { status: response.status, body: (await response.json()) as Record<string, string> };
      }),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((answer) => answer.body.error === 'invalid_grant')).toHaveLength(9);
    const { access_token: accessToken, refresh_token: refreshToken } = won[0]!.body;
    for (const server of [a, b]) {
      const refreshed = await postForm(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: app.client_id });
      expect(refreshed.status).toBe(400);
      await expect
        .poll(
          async () =>
            (await (await postForm(`${server.url}/oauth/introspect`, { token: accessToken! }, { authorization: basicAuth(introspector.client_id, introspector.client_secret) })).json()) as object,
        )
        .toEqual({ active: false });
    }
  });
});
