import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSignIn, type SignInStorage } from '../../../src/client-sdk/index.js';
import { refreshNativeSignIn, startNativeSignIn } from '../../../src/client-sdk/native.js';

const APP = 'https://app.example';

/**
 * A person's browser, reduced to what oidc-provider's development pages need: follows redirects with a
 * cookie jar, fills in and submits each page's form (any login and password, consent, sign-out), and stops
 * before loading a URL that `stop` accepts (the client's redirect URI), which it returns.
 */
async function browse(start: string, stop: (url: URL) => boolean): Promise<string> {
  const cookies = new Map<string, string>();
  let url = start;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    if (stop(new URL(url))) return url;
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: form.toString() } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      cookies.set(pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1));
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).toString();
      form = undefined;
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*\saction="([^"]+)"/i.exec(html)?.[1];
    if (response.status !== 200 || action === undefined) throw new Error(`${response.status} at ${url}: ${html.slice(0, 300)}`);
    form = new URLSearchParams();
    for (const [input] of html.matchAll(/<input[^>]*>/gi)) {
      const name = /\sname="([^"]*)"/.exec(input)?.[1];
      if (name !== undefined) form.set(name, /\svalue="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    if (form.has('login')) form.set('login', 'ada');
    if (form.has('password')) form.set('password', 'any');
    if (html.includes('name="logout"')) form.set('logout', 'yes');
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
  }
  throw new Error(`no end after 20 steps at ${url}`);
}

class MemoryStorage implements SignInStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

// Interoperability: the SDK's code flow against oidc-provider, an independent OpenID Provider (certified
// implementation of the same standards), until Gatehouse's own endpoints exist. It serves only the OpenID
// configuration (no RFC 8414 document), sends `iss` (RFC 9207), requires PKCE S256 and rotates public
// clients' refresh tokens.
describe('the SDK code flow against oidc-provider', () => {
  let server: Server;
  let issuer: string;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'spa',
          token_endpoint_auth_method: 'none',
          redirect_uris: [`${APP}/callback`],
          post_logout_redirect_uris: [`${APP}/`],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
        {
          client_id: 'cli',
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://127.0.0.1/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'interop', alg: 'RS256', use: 'sig' }] },
      findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, name: 'Ada Lovelace' }) }),
      claims: { openid: ['sub'], profile: ['name'] },
      cookies: { keys: ['interop-test-cookie-key'] },
      features: { devInteractions: { enabled: true }, revocation: { enabled: true, allowedPolicy: () => true } },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 300, RefreshToken: 86_400, IdToken: 300 },
    });
    server.on('request', provider.callback());
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('BrowserSignIn: sign-in, ID token, shared refresh, userinfo and RP-initiated logout', async () => {
    let clock = Date.now();
    const visited: string[] = [];
    const auth = new BrowserSignIn({
      issuer,
      clientId: 'spa',
      redirectUri: `${APP}/callback`,
      scope: 'openid profile offline_access',
      storage: new MemoryStorage(),
      navigate: (url) => visited.push(url),
      now: () => clock,
    });
    await auth.signIn({ prompt: 'consent', state: 'back-to' });
    const callback = await browse(visited[0] ?? '', (url) => url.origin === APP);
    expect(new URL(callback).searchParams.get('iss')).toBe(issuer);
    const result = await auth.handleCallback(callback);
    expect(result.state).toBe('back-to');
    expect(result.claims).toMatchObject({ iss: issuer, sub: 'ada', aud: 'spa' });
    expect(result.refreshToken).toEqual(expect.any(String));
    expect(await auth.userInfo()).toEqual({ sub: 'ada', name: 'Ada Lovelace' });

    // Near expiry: one refresh for concurrent callers.
    clock += ((result.expiresIn ?? 0) - 5) * 1000;
    const [first, second] = await Promise.all([auth.accessToken(), auth.accessToken()]);
    expect(first).toBe(second);
    expect(first).not.toBe(result.accessToken);
    expect(await auth.userInfo()).toMatchObject({ sub: 'ada' });

    const logout = await auth.signOut({ postLogoutRedirectUri: `${APP}/`, state: 'bye' });
    expect(logout).toMatch(new RegExp(`^${issuer}/session/end\\?`));
    const landed = new URL(await browse(logout ?? '', (url) => url.origin === APP));
    expect(`${landed.origin}${landed.pathname}`).toBe(`${APP}/`);
    expect(landed.searchParams.get('state')).toBe('bye');
  });

  it('native sign-in with a loopback redirect on any port', async () => {
    const signIn = await startNativeSignIn({ issuer, clientId: 'cli', scope: 'openid offline_access', prompt: 'consent' });
    const callback = await browse(signIn.authorizationUrl, (url) => url.href.startsWith(signIn.redirectUri));
    const page = await fetch(callback);
    expect(await page.text()).toContain('You can close this window');
    const tokens = await signIn.result;
    expect(tokens.claims).toMatchObject({ iss: issuer, sub: 'ada', aud: 'cli' });
    expect(tokens.refreshToken).toEqual(expect.any(String));

    const refreshed = await refreshNativeSignIn({ issuer, clientId: 'cli' }, tokens);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.claims?.sub).toBe('ada');
    // oidc-provider rotates public clients' refresh tokens: the old one is refused.
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    await expect(refreshNativeSignIn({ issuer, clientId: 'cli' }, tokens)).rejects.toMatchObject({ name: 'GatehouseOAuthError', error: 'invalid_grant' });
  });
});
