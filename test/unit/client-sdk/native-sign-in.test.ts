import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshNativeSignIn, startNativeSignIn, AuthorizationResponseError, SignInCallbackError } from '../../../src/client-sdk/native.js';
import { FakeAuthorizationServer } from '../../helpers/fake-authorization-server.js';

/** What the person's browser saw at the loopback redirect URI. */
interface BrowserVisit {
  status: number;
  page: string;
}

const visit = async (url: string): Promise<BrowserVisit> => {
  const response = await fetch(url);
  return { status: response.status, page: await response.text() };
};

// The loopback server is real (node:http on 127.0.0.1), and so is the token endpoint: a fake authorization
// server over HTTP; the "browser" is fetch following the redirect the fake server makes.
describe('startNativeSignIn (RFC 8252 loopback redirect)', () => {
  let server: FakeAuthorizationServer;
  let issuer: string;

  beforeEach(async () => {
    server = new FakeAuthorizationServer();
    issuer = await server.listen();
  });
  afterEach(() => server.close());

  it('receives the callback on 127.0.0.1, exchanges the code, tells the browser to close, and closes', async () => {
    let browser: Promise<BrowserVisit> | undefined;
    const signIn = await startNativeSignIn({
      issuer,
      clientId: 'cli',
      scope: 'openid offline_access',
      loginHint: 'ada',
      open: (url) => {
        browser = visit(server.authorize(url, 'ada'));
      },
    });
    expect(signIn.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const params = new URL(signIn.authorizationUrl).searchParams;
    expect(Object.fromEntries(params)).toMatchObject({ response_type: 'code', client_id: 'cli', redirect_uri: signIn.redirectUri, code_challenge_method: 'S256', login_hint: 'ada' });

    const tokens = await signIn.result;
    expect(tokens).toMatchObject({ accessToken: expect.stringMatching(/^at-/), refreshToken: expect.stringMatching(/^rt-/), expiresIn: 300, scope: 'offline_access openid' });
    expect(tokens.claims).toMatchObject({ sub: 'ada', aud: 'cli', iss: issuer });
    const seen = await browser;
    expect(seen?.status).toBe(200);
    expect(seen?.page).toContain('You can close this window');

    expect(Object.fromEntries(server.to('/oauth/token')[0]?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: expect.any(String),
      redirect_uri: signIn.redirectUri,
      code_verifier: expect.stringMatching(/^[A-Za-z0-9\-._~]{43}$/),
      client_id: 'cli',
    });
    // The loopback server is gone.
    await expect(fetch(signIn.redirectUri)).rejects.toThrow();

    // Refresh as the same public client; the refresh token rotates.
    const refreshed = await refreshNativeSignIn({ issuer, clientId: 'cli' }, tokens);
    expect(Object.fromEntries(server.to('/oauth/token')[1]?.form ?? [])).toEqual({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: 'cli' });
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect(refreshed.claims?.sub).toBe('ada');
  });

  it('answers a callback with another state 400 and keeps waiting for the right one', async () => {
    const signIn = await startNativeSignIn({ issuer, clientId: 'cli', scope: 'openid' });
    const forged = await visit(`${signIn.redirectUri}?code=stolen&state=guess&iss=${encodeURIComponent(issuer)}`);
    expect(forged.status).toBe(400);
    expect(forged.page).toContain('not the sign-in this application is waiting for');
    expect((await visit(`${signIn.redirectUri.replace('/callback', '/other')}`)).status).toBe(404);
    expect(server.to('/oauth/token')).toHaveLength(0);

    const seen = await visit(server.authorize(signIn.authorizationUrl));
    expect(seen.status).toBe(200);
    expect((await signIn.result).claims?.sub).toBe('ada');
  });

  it('rejects with the server error answer, and with a mix-up iss, and tells the browser', async () => {
    const denied = await startNativeSignIn({ issuer, clientId: 'cli' });
    const state = new URL(denied.authorizationUrl).searchParams.get('state') ?? '';
    const seen = await visit(`${denied.redirectUri}?error=access_denied&error_description=no&state=${state}&iss=${encodeURIComponent(issuer)}`);
    expect(seen.status).toBe(400);
    expect(seen.page).toContain('The sign-in did not complete: access_denied: no.');
    const error = await denied.result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect(error).toMatchObject({ error: 'access_denied' });

    const mixedUp = await startNativeSignIn({ issuer, clientId: 'cli' });
    const callback = new URL(server.authorize(mixedUp.authorizationUrl));
    callback.searchParams.set('iss', 'https://evil.example/<script>');
    const page = await visit(callback.toString());
    expect(page.page).not.toContain('<script>');
    await expect(mixedUp.result).rejects.toMatchObject({ reason: 'issuer_mismatch' });
    expect(server.to('/oauth/token')).toHaveLength(0);
  });

  it('gives up after the timeout, or when cancelled, and closes the server', async () => {
    const slow = await startNativeSignIn({ issuer, clientId: 'cli', timeoutMs: 20 });
    const error = await slow.result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignInCallbackError);
    expect(error).toMatchObject({ reason: 'timeout' });
    await expect(fetch(slow.redirectUri)).rejects.toThrow();

    const cancelled = await startNativeSignIn({ issuer, clientId: 'cli' });
    cancelled.cancel();
    await expect(cancelled.result).rejects.toMatchObject({ reason: 'cancelled' });
    await expect(fetch(cancelled.redirectUri)).rejects.toThrow();
  });

  it('closes the server when opening the browser fails', async () => {
    let redirectUri = '';
    await expect(
      startNativeSignIn({
        issuer,
        clientId: 'cli',
        open: (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
          throw new Error('no browser');
        },
      }),
    ).rejects.toThrow('no browser');
    await expect(fetch(redirectUri)).rejects.toThrow();
  });
});
