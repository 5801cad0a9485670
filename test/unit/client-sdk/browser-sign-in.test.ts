import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { BrowserSignIn, type BrowserSignInOptions, type SignInStorage } from '../../../src/client-sdk/browser-sign-in.js';
import { AuthorizationResponseError, SignInCallbackError, SignInRequiredError } from '../../../src/client-sdk/errors.js';
import { FakeAuthorizationServer } from '../../helpers/fake-authorization-server.js';

const REDIRECT_URI = 'https://app.example/callback';

class MemoryStorage implements SignInStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe('BrowserSignIn', () => {
  let server: FakeAuthorizationServer;
  let storage: MemoryStorage;
  let visited: string[];
  let clock: number;

  const signInClient = (options: Partial<BrowserSignInOptions> = {}) =>
    new BrowserSignIn({
      issuer: server.issuer,
      clientId: 'spa',
      redirectUri: REDIRECT_URI,
      scope: 'openid profile offline_access',
      storage,
      navigate: (url) => visited.push(url),
      fetch: server.fetch,
      now: () => clock,
      ...options,
    });

  /** Starts a sign-in, lets the fake server sign the person in, and completes it. */
  const signedIn = async (client = signInClient()) => {
    await client.signIn();
    const result = await client.handleCallback(server.authorize(visited.at(-1) ?? ''));
    return { client, result };
  };

  beforeEach(() => {
    server = new FakeAuthorizationServer();
    storage = new MemoryStorage();
    visited = [];
    clock = Date.now();
    server.now = () => clock;
  });

  it('builds the authorization URL with S256 PKCE, state, nonce and the options, and keeps them in storage only', async () => {
    const client = signInClient({ resource: ['https://api.example/', 'https://mcp.example/'] });
    await client.signIn({ prompt: 'login', loginHint: 'ada', uiLocales: ['ja', 'en'], maxAge: 600, state: '/orders/7' });
    const url = new URL(visited[0] ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`${server.issuer}/oauth/authorize`);
    const params = url.searchParams;
    expect(Object.fromEntries(params)).toMatchObject({
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: REDIRECT_URI,
      scope: 'offline_access openid profile',
      code_challenge_method: 'S256',
      prompt: 'login',
      login_hint: 'ada',
      ui_locales: 'ja en',
      max_age: '600',
    });
    expect(params.getAll('resource')).toEqual(['https://api.example/', 'https://mcp.example/']);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).not.toBe(params.get('nonce'));
    expect(params.has('code_verifier')).toBe(false);
    // The application's state is not sent; the verifier is in storage and its S256 challenge in the URL.
    expect(url.toString()).not.toContain('orders');
    const stored = JSON.parse(storage.getItem('gatehouse.sign-in.spa') ?? '{}') as Record<string, { codeVerifier: string; nonce: string }>;
    const entry = stored[params.get('state') ?? ''];
    expect(entry?.nonce).toBe(params.get('nonce'));
    expect(entry?.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(params.get('code_challenge')).toBe(
      createHash('sha256')
        .update(entry?.codeVerifier ?? '')
        .digest('base64url'),
    );
    // Another sign-in gets other values.
    const second = new URL(await client.authorizationUrl()).searchParams;
    expect(second.get('state')).not.toBe(params.get('state'));
    expect(second.get('code_challenge')).not.toBe(params.get('code_challenge'));
  });

  it('exchanges the code as a public client and validates the ID token', async () => {
    const client = signInClient();
    await client.signIn({ state: '/orders/7' });
    const callback = server.authorize(visited[0] ?? '', 'ada');
    const result = await client.handleCallback(callback);
    expect(result).toMatchObject({
      accessToken: expect.stringMatching(/^at-/),
      refreshToken: expect.stringMatching(/^rt-/),
      expiresIn: 300,
      scope: 'offline_access openid profile',
      state: '/orders/7',
    });
    expect(result.expiresAt).toBe(clock + 300_000);
    expect(result.idToken).toEqual(expect.any(String));
    expect(result.claims).toMatchObject({ iss: server.issuer, sub: 'ada', aud: 'spa' });
    const [exchange] = server.to('/oauth/token');
    expect(Object.fromEntries(exchange?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: new URL(callback).searchParams.get('code'),
      redirect_uri: REDIRECT_URI,
      code_verifier: expect.stringMatching(/^[A-Za-z0-9\-._~]{43}$/),
      client_id: 'spa',
    });
    expect(exchange?.headers.get('authorization')).toBeNull();
    expect(client.signedIn).toBe(true);
    expect(client.claims?.sub).toBe('ada');
    expect(await client.accessToken()).toBe(result.accessToken);
    // Tokens are not in storage; the started sign-in is gone from it.
    expect([...storage.items.values()].join()).not.toContain(result.accessToken);
    expect(storage.items.size).toBe(0);
    // A callback completes once.
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ name: 'SignInCallbackError', reason: 'state_mismatch' });
  });

  it('refuses a callback whose state it did not start, without exchanging the code', async () => {
    const client = signInClient();
    await client.signIn();
    const forged = new URL(server.authorize(visited[0] ?? ''));
    forged.searchParams.set('state', 'attacker-state');
    const error = await client.handleCallback(forged).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignInCallbackError);
    expect(error).toMatchObject({ reason: 'state_mismatch' });
    forged.searchParams.delete('state');
    await expect(client.handleCallback(forged)).rejects.toMatchObject({ reason: 'state_mismatch' });
    expect(server.to('/oauth/token')).toHaveLength(0);
    expect(client.signedIn).toBe(false);
  });

  it('refuses a callback with the iss of another issuer, or without iss when the server promises it (mix-up)', async () => {
    const client = signInClient();
    await client.signIn();
    const callback = new URL(server.authorize(visited[0] ?? ''));
    callback.searchParams.set('iss', 'https://evil.example');
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ name: 'SignInCallbackError', reason: 'issuer_mismatch' });

    await client.signIn();
    const missing = new URL(server.authorize(visited[1] ?? ''));
    missing.searchParams.delete('iss');
    await expect(client.handleCallback(missing)).rejects.toMatchObject({ reason: 'issuer_mismatch' });
    expect(server.to('/oauth/token')).toHaveLength(0);
  });

  it('accepts a callback without iss from a server that does not promise it', async () => {
    server = new FakeAuthorizationServer({ metadata: { authorization_response_iss_parameter_supported: false } });
    server.now = () => clock;
    const client = signInClient();
    await client.signIn();
    const callback = new URL(server.authorize(visited[0] ?? ''));
    callback.searchParams.delete('iss');
    expect((await client.handleCallback(callback)).claims?.sub).toBe('ada');
  });

  it('maps an error answer to AuthorizationResponseError after checking its state', async () => {
    const client = signInClient();
    await client.signIn({ prompt: 'none' });
    const state = new URL(visited[0] ?? '').searchParams.get('state') ?? '';
    const callback = `${REDIRECT_URI}?error=login_required&error_description=${encodeURIComponent('sign-in is required')}&state=${state}&iss=${encodeURIComponent(server.issuer)}`;
    const error = await client.handleCallback(callback).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect(error).toMatchObject({ error: 'login_required', errorDescription: 'sign-in is required', status: 0 });
    // The same error with a state never started is a forgery, not the server's answer.
    await expect(client.handleCallback(`${REDIRECT_URI}?error=access_denied&state=other`)).rejects.toMatchObject({ reason: 'state_mismatch' });
  });

  it('refuses an ID token with another nonce, audience or issuer, or a bad signature', async () => {
    for (const [overrides, message] of [
      [{ nonce: 'replayed' }, /nonce/],
      [{ aud: 'other-app' }, /aud/],
      [{ iss: 'https://evil.example' }, /iss/],
      [{ azp: 'other-app', aud: ['spa', 'other-app'] }, /azp/],
      [{ exp: Math.floor(Date.now() / 1000) - 3600 }, /exp/],
    ] as const) {
      server.idTokenOverrides = overrides;
      const client = signInClient();
      await client.signIn();
      const error = await client.handleCallback(server.authorize(visited.at(-1) ?? '')).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(overrides)).toMatchObject({ name: 'SignInCallbackError', reason: 'invalid_id_token', message: expect.stringMatching(message) });
      expect(client.signedIn).toBe(false);
    }
    server.idTokenOverrides = {};
    // A token signed by another key that claims the issuer's key id.
    const other = new FakeAuthorizationServer();
    const forged = await other.idToken({ sub: 'ada', aud: 'spa' });
    const client = signInClient();
    await client.signIn();
    const callback = server.authorize(visited.at(-1) ?? '');
    const real = await server.idToken({ sub: 'x', aud: 'spa' }); // makes the server's key exist
    expect(real).not.toBe(forged);
    server.nextTokenAnswer = { status: 200, body: { access_token: 'at-x:ada', token_type: 'Bearer', expires_in: 60, id_token: forged } };
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ reason: 'invalid_id_token', message: expect.stringMatching(/signature/) });
  });

  it('refreshes near expiry with one request for concurrent callers, and keeps the rotated refresh token', async () => {
    const { client, result } = await signedIn();
    // Still fresh: no request.
    clock += 200_000;
    expect(await client.accessToken()).toBe(result.accessToken);
    expect(server.to('/oauth/token')).toHaveLength(1);
    // Within the renewal margin (min(30 s, 10% of 300 s) = 30 s before expiry): one refresh for all callers.
    clock += 75_000;
    let release = () => {};
    server.tokenGate = new Promise<void>((resolve) => (release = resolve));
    const callers = Promise.all([client.accessToken(), client.accessToken(), client.accessToken()]);
    await expect.poll(() => server.to('/oauth/token').length).toBe(2);
    release();
    const tokens = await callers;
    server.tokenGate = undefined;
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(result.accessToken);
    const refresh = server.to('/oauth/token')[1];
    expect(Object.fromEntries(refresh?.form ?? [])).toEqual({ grant_type: 'refresh_token', refresh_token: result.refreshToken, client_id: 'spa' });
    // The next refresh uses the rotated refresh token (the old one no longer works at the server).
    clock += 300_000;
    const third = await client.accessToken();
    expect(third).not.toBe(tokens[0]);
    const next = server.to('/oauth/token')[2]?.form?.get('refresh_token');
    expect(next).toMatch(/^rt-/);
    expect(next).not.toBe(result.refreshToken);
    expect(client.claims?.sub).toBe('ada');
  });

  it('a refused refresh token ends the sign-in', async () => {
    const { client } = await signedIn();
    clock += 400_000;
    server.nextTokenAnswer = { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token reused' } };
    await expect(client.accessToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(client.signedIn).toBe(false);
    await expect(client.accessToken()).rejects.toBeInstanceOf(SignInRequiredError);
  });

  it('a refresh that fails for another reason (rate limit) keeps the sign-in for the next try', async () => {
    const { client } = await signedIn();
    clock += 400_000;
    server.nextTokenAnswer = { status: 429, body: { error: 'slow_down' } };
    await expect(client.accessToken()).rejects.toMatchObject({ name: 'GatehouseOAuthError', status: 429 });
    expect(client.signedIn).toBe(true);
    expect(await client.accessToken()).toMatch(/^at-/);
  });

  it('reads userinfo with the access token and checks its subject', async () => {
    const { client } = await signedIn();
    expect(await client.userInfo()).toEqual({ sub: 'ada', name: 'Ada Lovelace' });
    expect(server.to('/oauth/userinfo')[0]?.headers.get('authorization')).toMatch(/^Bearer at-/);
  });

  it('signs out: revokes the refresh token, forgets the tokens and goes to the end-session endpoint', async () => {
    const { client, result } = await signedIn();
    const url = await client.signOut({ postLogoutRedirectUri: 'https://app.example/bye', state: 'xyz' });
    expect(server.revoked).toEqual([result.refreshToken]);
    expect(Object.fromEntries(server.to('/oauth/revoke')[0]?.form ?? [])).toEqual({ token: result.refreshToken, token_type_hint: 'refresh_token', client_id: 'spa' });
    const logout = new URL(url ?? '');
    expect(`${logout.origin}${logout.pathname}`).toBe(`${server.issuer}/oauth/logout`);
    expect(Object.fromEntries(logout.searchParams)).toEqual({ id_token_hint: result.idToken, client_id: 'spa', post_logout_redirect_uri: 'https://app.example/bye', state: 'xyz' });
    expect(visited.at(-1)).toBe(url);
    expect(client.signedIn).toBe(false);
    await expect(client.accessToken()).rejects.toBeInstanceOf(SignInRequiredError);
  });

  it('finds endpoints missing from the RFC 8414 metadata in the OpenID configuration', async () => {
    const oidcOnly = new FakeAuthorizationServer();
    const fetchBoth: typeof fetch = async (input, init) => {
      const response = await oidcOnly.fetch(input, init);
      if (new URL(input instanceof Request ? input.url : input.toString()).pathname !== '/.well-known/oauth-authorization-server') return response;
      const { end_session_endpoint: _end, userinfo_endpoint: _userinfo, ...rest } = (await response.json()) as Record<string, unknown>;
      return Response.json(rest);
    };
    server = oidcOnly;
    server.now = () => clock;
    const { client } = await signedIn(signInClient({ fetch: fetchBoth }));
    expect(await client.signOut()).toMatch(/\/oauth\/logout\?/);
    expect(oidcOnly.to('/.well-known/openid-configuration')).toHaveLength(1);
  });
});
