import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserAgent, formsOf, pkcePair } from '../helpers/browser-agent.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const REDIRECT_URI = 'https://app.example/callback';
const PASSWORD = 'correct horse battery 1';

/** The authorization code flow with PKCE through the hosted pages, as a browser would run it (no JavaScript). */
describe.each(STORES)('browser sign-in on %s', (store) => {
  let server: TestServer;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    expect((await server.admin('POST', '/users', { username: 'alice', password: PASSWORD })).status).toBe(201);
    const client = await server.createClient({
      client_name: 'Reports <b>App</b>',
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
      refresh_tokens: true,
      scope: 'reports',
    });
    expect(client.client_secret).toBeNull();
    clientId = client.client_id;
  });
  afterAll(async () => {
    await server.close();
  });

  function authorizeUrl(params: Record<string, string>): string {
    return `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, ...params }).toString()}`;
  }

  async function exchange(code: string, verifier: string, redirectUri = REDIRECT_URI): Promise<Response> {
    return fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId }).toString(),
    });
  }

  /** Signs alice in through the pages and allows the client; returns the code of the redirect. */
  async function signInThroughPages(browser: BrowserAgent, pkce: { challenge: string }, state: string, options: { consentAsked: boolean } = { consentAsked: true }): Promise<URL> {
    const start = await browser.get(authorizeUrl({ scope: 'reports offline_access', state, code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
    expect(start.status).toBe(303);
    const pageUrl = start.headers.get('location')!;
    expect(pageUrl).toMatch(new RegExp(`^${server.url}/sign-in/[A-Za-z0-9_-]{43}$`));
    const page = await browser.get(pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('Reports &lt;b&gt;App&lt;/b&gt;');
    const { inputs } = formsOf(html);
    const csrf = inputs.get('csrf')!;
    expect(csrf).toBe(browser.cookies.get('gatehouse_browser'));

    const wrong = await browser.post(pageUrl, { csrf, step: 'sign-in', username: 'alice', password: 'wrong password' });
    expect(wrong.status).toBe(400);
    expect(browser.cookies.has('gatehouse_session')).toBe(false);

    const signedIn = await browser.post(pageUrl, { csrf, step: 'sign-in', username: 'alice', password: PASSWORD });
    expect(browser.cookies.has('gatehouse_session')).toBe(true);
    // The page that posted may lead to the client's redirect URI (CSP form-action applies to the redirect too).
    expect(page.headers.get('content-security-policy')).toContain('https://app.example');
    let allowed = signedIn;
    if (options.consentAsked) {
      expect(signedIn.status).toBe(200);
      expect(await signedIn.text()).toContain('name="decision"');
      allowed = await browser.post(pageUrl, { csrf, step: 'consent', decision: 'allow' });
    }
    expect(allowed.status).toBe(303);
    const location = new URL(allowed.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(server.url);
    return location;
  }

  it('signs a person in, asks consent once, exchanges the code with PKCE, and serves the next request from the session', async () => {
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const callback = await signInThroughPages(browser, pkce, 'state-1');
    const code = callback.searchParams.get('code')!;

    const tokens = (await (await exchange(code, pkce.verifier)).json()) as Record<string, unknown>;
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.scope).toBe('reports offline_access');
    expect(typeof tokens.refresh_token).toBe('string');
    const claims = JSON.parse(Buffer.from(String(tokens.access_token).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.username).toBe('alice');
    expect(claims.client_id).toBe(clientId);

    // Single sign-on: the session and the remembered consent answer at once.
    const again = pkcePair();
    const second = await browser.get(authorizeUrl({ scope: 'reports', state: 'state-2', code_challenge: again.challenge, code_challenge_method: 'S256' }));
    expect(second.status).toBe(303);
    const secondLocation = new URL(second.headers.get('location')!);
    expect(secondLocation.searchParams.get('state')).toBe('state-2');
    expect((await exchange(secondLocation.searchParams.get('code')!, again.verifier)).status).toBe(200);
  });

  it('refuses a second use of a code and revokes what the first gave (RFC 6749 4.1.2)', async () => {
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const code = (await signInThroughPages(browser, pkce, 's', { consentAsked: false })).searchParams.get('code')!;
    const first = (await (await exchange(code, pkce.verifier)).json()) as { refresh_token: string };
    const replay = await exchange(code, pkce.verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    const refresh = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: clientId }).toString(),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong or missing PKCE verifier and a different redirect URI', async () => {
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const code = (await signInThroughPages(browser, pkce, 's', { consentAsked: false })).searchParams.get('code')!;
    expect(await (await exchange(code, pkcePair().verifier)).json()).toMatchObject({ error: 'invalid_grant' });

    const fresh = pkcePair();
    const next = await browser.get(authorizeUrl({ scope: 'reports', code_challenge: fresh.challenge, code_challenge_method: 'S256' }));
    const nextCode = new URL(next.headers.get('location')!).searchParams.get('code')!;
    expect(await (await exchange(nextCode, fresh.verifier, `${REDIRECT_URI}/other`)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('never redirects to an unregistered redirect URI, and sends other errors to the registered one with iss', async () => {
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    for (const redirectUri of [`${REDIRECT_URI}/evil`, 'https://app.example/Callback', 'https://evil.example/callback', `${REDIRECT_URI}?x=1`]) {
      const response = await browser.get(authorizeUrl({ redirect_uri: redirectUri, code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
      expect(response.status, redirectUri).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
    const plain = await browser.get(authorizeUrl({ code_challenge: pkce.verifier, code_challenge_method: 'plain', state: 'p' }));
    expect(plain.status).toBe(303);
    const location = new URL(plain.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('p');
    expect(location.searchParams.get('iss')).toBe(server.url);
    const noPkce = new URL((await browser.get(authorizeUrl({}))).headers.get('location')!);
    expect(noPkce.searchParams.get('error')).toBe('invalid_request');
    // A scope the client may not have: answered before anyone signs in.
    const scoped = await browser.get(authorizeUrl({ scope: 'reports admin', state: 's', code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
    expect(new URL(scoped.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('gives an ID token with the nonce, auth_time and amr for openid, and the person at UserInfo', async () => {
    const oidcClient = await server.createClient({
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
      skip_consent: true,
      scope: 'openid profile reports',
    });
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const start = await browser.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: oidcClient.client_id, redirect_uri: REDIRECT_URI, scope: 'openid profile', nonce: 'n-0S6', code_challenge: pkce.challenge, code_challenge_method: 'S256' }).toString()}`,
    );
    const pageUrl = start.headers.get('location')!;
    const { inputs } = formsOf(await (await browser.get(pageUrl)).text());
    const done = await browser.post(pageUrl, { ...Object.fromEntries(inputs), username: 'alice', password: PASSWORD });
    expect(done.status).toBe(303);
    const code = new URL(done.headers.get('location')!).searchParams.get('code')!;
    const response = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier, client_id: oidcClient.client_id }).toString(),
    });
    const tokens = (await response.json()) as { access_token: string; id_token: string };
    const jwks = createRemoteJWKSet(new URL(`${server.url}/oauth/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, { issuer: server.url, audience: oidcClient.client_id });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ nonce: 'n-0S6', amr: ['pwd'], preferred_username: 'alice' });
    expect(typeof payload.auth_time).toBe('number');
    const userinfo = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await userinfo.json()).toMatchObject({ sub: payload.sub, preferred_username: 'alice' });
  });

  it('lets browser apps of any origin call the token and revocation endpoints, without credentials', async () => {
    const preflight = await fetch(`${server.url}/oauth/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://spa.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await fetch(`${server.url}/oauth/revoke`, {
      method: 'POST',
      headers: { origin: 'https://spa.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'x', client_id: clientId }).toString(),
    });
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(`${server.url}/oauth/introspect`, { method: 'OPTIONS', headers: { origin: 'https://spa.example' } })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers prompt=none with login_required when no one is signed in', async () => {
    const pkce = pkcePair();
    const response = await new BrowserAgent(server.url).get(authorizeUrl({ prompt: 'none', state: 'n', code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('state')).toBe('n');
  });

  it('refuses a form posted without the browser cookie (CSRF) or from another browser', async () => {
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const start = await browser.get(authorizeUrl({ code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
    const pageUrl = start.headers.get('location')!;
    const csrf = browser.cookies.get('gatehouse_browser')!;
    const attacker = new BrowserAgent(server.url);
    const forged = await attacker.post(pageUrl, { csrf, step: 'sign-in', username: 'alice', password: PASSWORD });
    expect(forged.status).toBe(403);
    attacker.cookies.set('gatehouse_browser', 'A'.repeat(43));
    const otherBrowser = await attacker.post(pageUrl, { csrf: 'A'.repeat(43), step: 'sign-in', username: 'alice', password: PASSWORD });
    expect(otherBrowser.status).toBe(403);
  });
});

describe.each(STORES)('pushed authorization requests (RFC 9126) on %s', (store) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ store });
    expect((await server.admin('POST', '/users', { username: 'bob', password: PASSWORD })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  async function push(clientId: string, params: Record<string, string>, secret?: string): Promise<Response> {
    return fetch(`${server.url}/oauth/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(secret === undefined ? {} : { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` }) },
      body: new URLSearchParams({ client_id: clientId, ...params }).toString(),
    });
  }

  it('takes a pushed request once, and a client that requires PAR may not skip it', async () => {
    const client = await server.createClient({
      grant_types: ['authorization_code'],
      redirect_uris: [REDIRECT_URI],
      require_pushed_authorization_requests: true,
      skip_consent: true,
      scope: 'reports',
    });
    const pkce = pkcePair();
    const params = { response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'reports', state: 'par', code_challenge: pkce.challenge, code_challenge_method: 'S256' };
    expect((await push(client.client_id, params)).status).toBe(401);
    const pushed = await push(client.client_id, params, client.client_secret);
    expect(pushed.status).toBe(201);
    const { request_uri: requestUri, expires_in: expiresIn } = (await pushed.json()) as { request_uri: string; expires_in: number };
    expect(requestUri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(expiresIn).toBe(60);

    const browser = new BrowserAgent(server.url);
    const direct = await browser.get(`/oauth/authorize?${new URLSearchParams({ client_id: client.client_id, ...params }).toString()}`);
    expect(new URL(direct.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');

    const start = await browser.get(`/oauth/authorize?${new URLSearchParams({ client_id: client.client_id, request_uri: requestUri }).toString()}`);
    expect(start.status).toBe(303);
    const pageUrl = start.headers.get('location')!;
    const csrf = formsOf(await (await browser.get(pageUrl)).text()).inputs.get('csrf')!;
    const done = await browser.post(pageUrl, { csrf, step: 'sign-in', username: 'bob', password: PASSWORD });
    expect(done.status).toBe(303);
    const callback = new URL(done.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe('par');
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }).toString(),
    });
    expect(token.status).toBe(200);

    const reused = await browser.get(`/oauth/authorize?${new URLSearchParams({ client_id: client.client_id, request_uri: requestUri }).toString()}`);
    expect(reused.status).toBe(400);
    expect(reused.headers.get('location')).toBeNull();
  });

  it('checks a pushed request as the authorization endpoint would', async () => {
    const client = await server.createClient({ grant_types: ['authorization_code'], redirect_uris: [REDIRECT_URI], scope: 'reports' });
    const pkce = pkcePair();
    const bad = await push(client.client_id, { response_type: 'code', redirect_uri: 'https://evil.example/cb', code_challenge: pkce.challenge, code_challenge_method: 'S256' }, client.client_secret);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    const plain = await push(client.client_id, { response_type: 'code', redirect_uri: REDIRECT_URI, code_challenge: pkce.verifier, code_challenge_method: 'plain' }, client.client_secret);
    expect(await plain.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe.each(STORES)('security checks, prompt and sessions in browser sign-in on %s', (store) => {
  let server: TestServer;
  let clientId: string;
  const browserFor = () => new BrowserAgent(server.url);

  beforeAll(async () => {
    server = await startTestServer({ store });
    expect((await server.admin('POST', '/users', { username: 'carol', password: PASSWORD })).status).toBe(201);
    expect((await server.admin('POST', '/profiles', { name: 'desk', scope_element_mapping: { payments: ['UserLogin', 'PinCode'] } })).status).toBe(201);
    const client = await server.createClient({
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: ['https://app.example/signed-out'],
      skip_consent: true,
      scope: 'reports',
      profile: 'desk',
    });
    clientId = client.client_id;
    expect((await server.admin('PUT', `/clients/${clientId}/pin`, { pin: '4321' })).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await server.close();
  });

  async function start(browser: BrowserAgent, params: Record<string, string>): Promise<Response> {
    const pkce = pkcePair();
    return browser.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, code_challenge: pkce.challenge, code_challenge_method: 'S256', ...params }).toString()}`,
    );
  }

  /** Posts the sign-in form as the page renders it (its hidden fields included). */
  async function signIn(browser: BrowserAgent, pageUrl: string): Promise<{ csrf: string; response: Response }> {
    const { inputs } = formsOf(await (await browser.get(pageUrl)).text());
    const csrf = inputs.get('csrf')!;
    return { csrf, response: await browser.post(pageUrl, { ...Object.fromEntries(inputs), username: 'carol', password: PASSWORD }) };
  }

  it('asks the PIN after the password, counts wrong answers, and remembers the success per person', async () => {
    const browser = browserFor();
    const pageUrl = (await start(browser, { scope: 'payments', state: 'pin' })).headers.get('location')!;
    const { csrf, response } = await signIn(browser, pageUrl);
    expect(response.status).toBe(200);
    const pinPage = await response.text();
    expect(pinPage).toContain('name="pin"');
    const pinForm = Object.fromEntries(formsOf(pinPage).inputs);
    expect(pinForm).toMatchObject({ csrf, step: 'check', check: 'PinCode' });

    const wrong = await browser.post(pageUrl, { ...pinForm, pin: '0000' });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toMatch(/2 attempts left/);

    const right = await browser.post(pageUrl, { ...pinForm, pin: '4321' });
    expect(right.status).toBe(303);
    expect(new URL(right.headers.get('location')!).searchParams.get('state')).toBe('pin');

    // The same person in the same browser: served by the session and the remembered PIN success.
    const again = await start(browser, { scope: 'payments' });
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('refreshes a browser grant whose scope needs UserLogin and the PIN, with the checks kept per person', async () => {
    const refreshing = await server.createClient({
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
      skip_consent: true,
      refresh_tokens: true,
      scope: 'reports',
      profile: 'desk',
    });
    expect((await server.admin('PUT', `/clients/${refreshing.client_id}/pin`, { pin: '4321' })).status).toBeLessThan(300);
    const browser = browserFor();
    const pkce = pkcePair();
    const begin = await browser.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: refreshing.client_id, redirect_uri: REDIRECT_URI, scope: 'payments offline_access', code_challenge: pkce.challenge, code_challenge_method: 'S256' }).toString()}`,
    );
    const pageUrl = begin.headers.get('location')!;
    const { response } = await signIn(browser, pageUrl);
    const pinForm = Object.fromEntries(formsOf(await response.text()).inputs);
    const done = await browser.post(pageUrl, { ...pinForm, pin: '4321' });
    const code = new URL(done.headers.get('location')!).searchParams.get('code')!;
    const token = (body: Record<string, string>) =>
      fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: refreshing.client_id, ...body }).toString(),
      });
    const first = (await (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier })).json()) as { refresh_token: string; scope: string };
    expect(first.scope).toBe('payments offline_access');
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { scope: string }).scope).toBe('payments offline_access');
  });

  it("gives the code's token no more than what remains of the PIN success", async () => {
    const browser = browserFor();
    const pkce = pkcePair();
    const begin = await browser.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'payments', code_challenge: pkce.challenge, code_challenge_method: 'S256' }).toString()}`,
    );
    const pageUrl = begin.headers.get('location')!;
    const { response } = await signIn(browser, pageUrl);
    const page = await response.text();
    // A PIN success remembered from an earlier test in this browser's person skips the page: answer it only when asked.
    const done = page.includes('name="pin"') ? await browser.post(pageUrl, { ...Object.fromEntries(formsOf(page).inputs), pin: '4321' }) : response;
    const code = new URL(done.headers.get('location')!).searchParams.get('code')!;
    expect(code).toBeTruthy();
    // The person's PIN success ends in 20 seconds: the token must end with it.
    const ends = Date.now() + 20_000;
    await server.gatehouse.store.db.updateTable('security_check_states').set({ passed_until: ends }).where('client_id', 'like', `${clientId} %`).where('check_name', '=', 'PinCode').execute();
    const exchanged = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }).toString(),
    });
    const body = (await exchanged.json()) as { expires_in: number };
    expect(exchanged.status, JSON.stringify(body)).toBe(200);
    expect(body.expires_in).toBeGreaterThan(0);
    expect(body.expires_in).toBeLessThanOrEqual(20);
  });

  it('prompt=login and max_age=0 ask for the password again despite a session', async () => {
    const browser = browserFor();
    const first = (await start(browser, { scope: 'reports' })).headers.get('location')!;
    expect((await signIn(browser, first)).response.status).toBe(303);
    for (const params of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      const response = await start(browser, { scope: 'reports', ...params });
      expect(response.headers.get('location'), JSON.stringify(params)).toMatch(/\/sign-in\//);
    }
    const hinted = await start(browserFor(), { scope: 'reports', login_hint: 'carol' });
    const page = await (await browserFor().get(hinted.headers.get('location')!)).text();
    // Another browser has no binding cookie: the page refuses, never showing another browser's sign-in.
    expect(page).not.toContain('value="carol"');
  });

  it('signs out after a confirmation, ends the session and redirects only to a registered URI', async () => {
    const browser = browserFor();
    const pageUrl = (await start(browser, { scope: 'reports' })).headers.get('location')!;
    expect((await signIn(browser, pageUrl)).response.status).toBe(303);
    const noSession = await start(browser, { scope: 'reports', prompt: 'none' });
    expect(new URL(noSession.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    const evil = await browser.get(`/oauth/logout?client_id=${clientId}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`);
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();

    const logoutUrl = `/oauth/logout?client_id=${clientId}&post_logout_redirect_uri=${encodeURIComponent('https://app.example/signed-out')}&state=bye`;
    const confirm = await browser.get(logoutUrl);
    expect(confirm.status).toBe(200);
    const { inputs, actions } = formsOf(await confirm.text());
    const done = await browser.post(actions[0]!, { csrf: inputs.get('csrf')! });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('https://app.example/signed-out?state=bye');
    const after = await start(browser, { scope: 'reports', prompt: 'none' });
    expect(new URL(after.headers.get('location')!).searchParams.get('error')).toBe('login_required');
  });

  it('lists the applications a person allowed on the account page and withdraws one', async () => {
    const consentClient = await server.createClient({
      client_name: 'Third Party',
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
      scope: 'reports',
    });
    const browser = browserFor();
    const pkce = pkcePair();
    const begin = await browser.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: consentClient.client_id, redirect_uri: REDIRECT_URI, scope: 'reports', code_challenge: pkce.challenge, code_challenge_method: 'S256' }).toString()}`,
    );
    const pageUrl = begin.headers.get('location')!;
    const { csrf, response } = await signIn(browser, pageUrl);
    expect(response.status).toBe(200);
    expect((await browser.post(pageUrl, { csrf, step: 'consent', decision: 'allow' })).status).toBe(303);

    const account = await browser.get('/account');
    expect(account.status).toBe(200);
    const html = await account.text();
    expect(html).toContain('Third Party');
    const withdrawn = await browser.post('/account', { csrf: formsOf(html).inputs.get('csrf')!, client_id: consentClient.client_id });
    expect(withdrawn.status).toBe(303);
    expect(await (await browser.get('/account')).text()).not.toContain('Third Party');
    expect((await browserFor().get('/account')).status).toBe(401);
  });
});

describe('browser sign-in cookies on an https issuer', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { issuer: 'https://as.example' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('are __Host- prefixed, Secure, HttpOnly and SameSite=Lax, and read under that name', async () => {
    const client = await server.createClient({ grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], scope: 'reports' });
    const browser = new BrowserAgent(server.url);
    const pkce = pkcePair();
    const start = await browser.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT_URI, code_challenge: pkce.challenge, code_challenge_method: 'S256' }).toString()}`,
    );
    expect(start.status).toBe(303);
    const setCookie = start.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/^__Host-gatehouse_browser=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/m);
    const pagePath = new URL(start.headers.get('location')!).pathname;
    const page = await browser.get(pagePath);
    expect(page.status).toBe(200);
    expect(formsOf(await page.text()).inputs.get('csrf')).toBe(browser.cookies.get('__Host-gatehouse_browser'));
    // A cookie without the prefix (planted by a sibling subdomain) is not read.
    const planted = new BrowserAgent(server.url);
    planted.cookies.set('gatehouse_browser', browser.cookies.get('__Host-gatehouse_browser')!);
    expect((await planted.get(pagePath)).status).toBe(403);
  });
});
