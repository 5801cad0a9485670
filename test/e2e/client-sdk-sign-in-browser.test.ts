import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { sdkBrowserBundle } from '../helpers/sdk-bundle.js';
import type * as ClientSdk from '../../src/client-sdk/index.js';
import { FakeAuthorizationServer } from '../helpers/fake-authorization-server.js';

type Sdk = typeof ClientSdk;
interface PageGlobals {
  gatehouseSdk: Sdk;
  signInConfig: ConstructorParameters<Sdk['BrowserSignIn']>[0];
  auth: InstanceType<Sdk['BrowserSignIn']>;
  callbackResult: { sub: string | undefined; state: string | undefined; userName: unknown; stored: string; tokenInStorage: boolean } | { error: string };
}

// BrowserSignIn in Chromium with its browser defaults (sessionStorage, location, WebCrypto): the app's pages
// and the person at the authorization endpoint are played by page routes; metadata, JWKS, token, userinfo
// and revocation are a fake authorization server over HTTP (Gatehouse's own endpoints are tested with it
// in test/http once they exist). One origin: the fake server's.
describe('BrowserSignIn in Chromium', () => {
  let server: FakeAuthorizationServer;
  let issuer: string;
  let browser: Browser;
  let page: Page;
  let bundle: string;
  const pageMessages: string[] = [];
  const loggedOut: string[] = [];

  beforeAll(async () => {
    server = new FakeAuthorizationServer();
    [issuer, bundle] = await Promise.all([server.listen(), sdkBrowserBundle()]);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageMessages.push(error.message));
    page.on('console', (message) => pageMessages.push(`console: ${message.text()}`));
    page.on('response', (response) => pageMessages.push(`${response.status()} ${response.url()}`));
    const config = { issuer, clientId: 'spa', redirectUri: `${issuer}/app/callback`, scope: 'openid profile offline_access' };
    const pageScript = (body: string) =>
      `<!doctype html><script type="module">import * as sdk from "/app/gatehouse-client.js"; window.gatehouseSdk = sdk; window.signInConfig = ${JSON.stringify(config)}; window.auth = new sdk.BrowserSignIn(window.signInConfig); ${body}</script>`;
    await page.route(
      (url) => url.href.startsWith(`${issuer}/app/`),
      (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/app/gatehouse-client.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
        if (path === '/app/callback') {
          return route.fulfill({
            status: 200,
            contentType: 'text/html',
            body: pageScript(`
            try {
              const result = await window.auth.handleCallback();
              const me = await window.auth.userInfo();
              const stored = Object.keys(sessionStorage).map((key) => key + '=' + sessionStorage.getItem(key)).join(';');
              window.callbackResult = { sub: result.claims && result.claims.sub, state: result.state, userName: me.name, stored, tokenInStorage: stored.includes(result.accessToken) };
            } catch (error) {
              window.callbackResult = { error: String(error) };
            }
            document.title = 'called back';`),
          });
        }
        return route.fulfill({ status: 200, contentType: 'text/html', body: pageScript(`document.title = 'ready';`) });
      },
    );
    // The person signs in at Gatehouse's page, which sends the browser back with a code. (A page that moves on,
    // not a 302: Playwright routes only the first request of a redirect, and the callback page is routed.)
    await page.route(
      (url) => url.href.startsWith(`${issuer}/oauth/authorize?`),
      (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: `<!doctype html><script>location.replace(${JSON.stringify(server.authorize(route.request().url(), 'ada'))})</script>`,
        }),
    );
    await page.route(
      (url) => url.href.startsWith(`${issuer}/oauth/logout?`),
      (route) => {
        loggedOut.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>signed out</title>' });
      },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const titled = (title: string) =>
    page
      .waitForFunction((expected) => (globalThis as unknown as { document: { title: string } }).document.title === expected, title, { timeout: 20_000 })
      .catch((error: unknown) => {
        throw new Error(`the page did not reach "${title}": ${String(error)} ${pageMessages.join('; ')}`);
      });

  it('signs in through the redirect, completes the callback from location and sessionStorage, and signs out', async () => {
    await page.goto(`${issuer}/app/index.html`);
    await titled('ready');
    // signIn() navigates with location.assign: the authorization endpoint redirects to the callback page.
    await page.evaluate(() => void (globalThis as unknown as PageGlobals).auth.signIn({ state: '/orders/7', uiLocales: 'ja' }));
    await titled('called back');
    const result = await page.evaluate(() => (globalThis as unknown as PageGlobals).callbackResult);
    expect(result, pageMessages.join('; ')).toEqual({ sub: 'ada', state: '/orders/7', userName: 'Ada Lovelace', stored: '', tokenInStorage: false });

    const [authorize] = server.requests.filter((request) => request.url.pathname === '/oauth/token');
    expect(authorize?.form?.get('code_verifier')).toMatch(/^[A-Za-z0-9\-._~]{43}$/);

    await page.evaluate(() => void (globalThis as unknown as PageGlobals).auth.signOut({ postLogoutRedirectUri: 'https://app.example/' }));
    await titled('signed out');
    const logout = new URL(loggedOut[0] ?? '');
    expect(logout.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe('https://app.example/');
    expect(server.revoked).toHaveLength(1);
  });
});
