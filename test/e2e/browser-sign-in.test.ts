import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

const PASSWORD = 'correct horse battery 7';
const PIN = '2718';
const PHONE_WIDTH = 375;

/**
 * examples/web-app signs people in through Gatehouse's hosted pages in real headless Chromium: sign-in, a PIN
 * (the profile maps the scope element `demo` to PinCode), consent, single sign-on, prompt=none, sign-out, and
 * all of it by keyboard alone. Each hosted page is photographed at desktop width and at 375 px.
 */
describe.each(STORES)('browser sign-in through examples/web-app in Chromium on %s', (store) => {
  let server: TestServer;
  let app: RunningWebApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  /** Documents the browser navigated to, to tell which pages were shown. */
  let navigations: string[] = [];

  const signInPages = () => navigations.filter((url) => url.startsWith(`${server.url}/sign-in/`));
  const track = (target: Page) => {
    target.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === target.mainFrame()) navigations.push(request.url());
    });
    // A CSP violation (form-action to the app, say) or a script error would mean a page that does not work as built.
    target.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    target.on('pageerror', (error) => problems.push(error.message));
  };

  /** A hosted page at desktop width and at 375 px: labelled fields, no horizontal scroll on a phone. */
  const shot = async (target: Page, name: string) => {
    expect(target.url().startsWith(server.url), target.url()).toBe(true);
    const unlabelled = await target.evaluate(`[...document.querySelectorAll('input, select, textarea')]
      .filter((element) => element.type !== 'hidden' && element.labels.length === 0 && !element.getAttribute('aria-label'))
      .map((element) => element.name)`);
    expect(unlabelled).toEqual([]);
    const desktop = target.viewportSize() ?? { width: 1280, height: 860 };
    if (store === 'sqlite') await target.screenshot({ path: join(SCREENSHOTS, `browser-sign-in-${name}.png`), fullPage: true });
    await target.setViewportSize({ width: PHONE_WIDTH, height: 740 });
    expect(await target.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE_WIDTH);
    if (store === 'sqlite') await target.screenshot({ path: join(SCREENSHOTS, `browser-sign-in-${name}-375.png`), fullPage: true });
    await target.setViewportSize(desktop);
  };

  const signedInAs = (target: Page) => target.getByTestId('signed-in-as').textContent();
  const notice = (target: Page) => target.getByRole('status').textContent();

  beforeAll(async () => {
    server = await startTestServer({ store, config: { commandsDir: 'examples/commands' } });
    for (const username of ['alice', 'bob']) expect((await server.admin('POST', '/users', { username, password: PASSWORD })).status).toBe(201);
    expect((await server.admin('POST', '/profiles', { name: 'web', scope_element_mapping: { demo: ['PinCode'] } })).status).toBe(201);
    const client = await server.createClient({
      client_name: 'Web App Example',
      grant_types: ['authorization_code'],
      refresh_tokens: true,
      scope: 'openid demo',
      profile: 'web',
      redirect_uris: ['http://127.0.0.1/callback'],
    });
    expect((await server.admin('PUT', `/clients/${client.client_id}/pin`, { pin: PIN })).status).toBe(204);
    app = await startWebApp({ GATEHOUSE_URL: server.url, CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret });
    // The app's exact addresses (its port is chosen at start), as an operator registers them.
    const registered = await server.admin('PATCH', `/clients/${client.client_id}`, { redirect_uris: [app.redirectUri], post_logout_redirect_uris: [app.postLogoutRedirectUri] });
    expect(registered.status).toBe(200);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    track(page);
  });
  afterAll(async () => {
    await browser?.close();
    if (problems.length > 0) console.log(app?.output());
    await app?.close();
    await server?.close();
    expect(problems).toEqual([]);
  });

  it('signs in through the sign-in, PIN and consent pages, shows the claims and calls a protected command', async () => {
    await page.goto(app.url);
    await page.getByRole('link', { name: 'Sign in with Gatehouse' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(page.url()).toMatch(new RegExp(`^${server.url}/sign-in/[A-Za-z0-9_-]{43}$`));
    expect(await page.getByText('Web App Example').count()).toBeGreaterThan(0);
    await shot(page, 'sign-in');

    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The username or password is wrong.');
    await shot(page, 'sign-in-error');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your PIN' }).waitFor();
    await expect.poll(() => page.getByText('3 attempts left').count()).toBe(1);
    await shot(page, 'pin');
    await page.getByLabel('PIN').fill('0000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByText('2 attempts left').count()).toBe(1);
    expect(await page.getByRole('alert').textContent()).toMatch(/wrong PIN/i);
    await shot(page, 'pin-error');
    await page.getByLabel('PIN').fill(PIN);
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    const scopes = (await page.locator('ul.scopes').textContent()) ?? '';
    for (const scope of ['demo', 'offline_access']) expect(scopes).toContain(scope);
    await shot(page, 'consent');
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL(`${app.url}/`);
    expect(await signedInAs(page)).toBe('alice');
    const claims = JSON.parse((await page.getByTestId('access-token-claims').textContent()) ?? '{}') as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: server.url, username: 'alice', scope: expect.stringContaining('demo') });
    const names = (await context.cookies(server.url)).map((cookie) => cookie.name);
    expect(names).toContain('gatehouse_session');

    // Gatehouse is an OpenID provider: the app asked for openid and oauth4webapi checked the ID token and its nonce.
    const idToken = JSON.parse((await page.getByTestId('id-token-claims').textContent()) ?? '{}') as Record<string, unknown>;
    expect(idToken).toMatchObject({ iss: server.url, aud: claims.client_id, sub: claims.sub });
    expect(typeof idToken.nonce).toBe('string');
    expect(idToken.amr).toEqual(expect.arrayContaining(['pwd']));

    await page.getByRole('button', { name: 'Call the protected command' }).click();
    await expect.poll(() => page.getByTestId('command-result').textContent()).toContain('"status": 200');
    expect(await page.getByTestId('command-result').textContent()).toContain('hello from the web app');

    // The refresh of a grant whose scope needs the PIN counts the PIN this person answered in the browser.
    await page.getByRole('button', { name: 'Refresh tokens' }).click();
    await expect.poll(() => notice(page)).toContain('Tokens refreshed.');
    expect(await signedInAs(page)).toBe('alice');
  });

  it('serves a second sign-in from the session: no page is shown', async () => {
    await context.clearCookies({ name: 'web_app_session' });
    await page.goto(app.url);
    expect(await page.getByText('You are not signed in.').count()).toBe(1);
    navigations = [];
    await page.getByRole('link', { name: 'Sign in with Gatehouse' }).click();
    await expect.poll(() => signedInAs(page)).toBe('alice');
    expect(navigations.some((url) => url.startsWith(`${server.url}/oauth/authorize?`))).toBe(true);
    expect(signInPages()).toEqual([]);
  });

  it('answers prompt=none from the session', async () => {
    await context.clearCookies({ name: 'web_app_session' });
    await page.goto(app.url);
    navigations = [];
    await page.getByRole('link', { name: 'Sign in silently' }).click();
    await expect.poll(() => signedInAs(page)).toBe('alice');
    expect(signInPages()).toEqual([]);
  });

  it('signs out through the confirmation page, back to the app, and the session is over', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign out' }).waitFor();
    expect(page.url().startsWith(`${server.url}/oauth/logout?`)).toBe(true);
    await shot(page, 'sign-out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${app.url}/`);
    expect(await notice(page)).toBe('You are signed out of Gatehouse.');
    expect((await context.cookies(server.url)).map((cookie) => cookie.name)).not.toContain('gatehouse_session');
  });

  it('answers prompt=none without a session with login_required, showing no page', async () => {
    navigations = [];
    await page.getByRole('link', { name: 'Sign in silently' }).click();
    await expect.poll(() => notice(page)).toContain('login_required');
    expect(signInPages()).toEqual([]);
    expect(await page.getByText('You are not signed in.').count()).toBe(1);
  });

  it('shows the signed-out page and an error page, fit for a phone too', async () => {
    // Sign-out without an application to return to ends on Gatehouse's own page.
    await page.goto(`${server.url}/oauth/logout`);
    await page.getByRole('heading', { name: 'Sign out' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await shot(page, 'signed-out');
    // An unknown client is shown on a page, never redirected to.
    const response = await page.goto(`${server.url}/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=${encodeURIComponent(app.redirectUri)}`);
    expect(response?.status()).toBe(400);
    expect(page.url().startsWith(`${server.url}/oauth/authorize`)).toBe(true);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await shot(page, 'error');
  });

  it('signs in with the keyboard alone (Tab, typing, Enter), PIN and consent included', async () => {
    const keyboardContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const keyboardPage = await keyboardContext.newPage();
    track(keyboardPage);
    /** The focused element: an input's name, or a button's or link's text. */
    const focused = () =>
      keyboardPage.evaluate(`(() => { const element = document.activeElement; if (!element) return ''; return element.tagName === 'INPUT' ? element.name : (element.textContent || '').trim(); })()`);
    /** Presses Tab until the focus is on the element named so (a field's name or a button's or link's text). */
    const tabTo = async (name: string) => {
      for (let presses = 0; presses < 15 && (await focused()) !== name; presses++) await keyboardPage.keyboard.press('Tab');
      expect(await focused()).toBe(name);
    };
    try {
      await keyboardPage.goto(app.url);
      await tabTo('Sign in with Gatehouse');
      await keyboardPage.keyboard.press('Enter');
      await keyboardPage.getByRole('heading', { name: 'Sign in' }).waitFor();
      // The username field has the focus when the page opens.
      expect(await focused()).toBe('username');
      await keyboardPage.keyboard.type('bob');
      await keyboardPage.keyboard.press('Tab');
      expect(await focused()).toBe('password');
      await keyboardPage.keyboard.type(PASSWORD);
      await keyboardPage.keyboard.press('Enter');
      await keyboardPage.getByRole('heading', { name: 'Enter your PIN' }).waitFor();
      expect(await focused()).toBe('pin');
      await keyboardPage.keyboard.type(PIN);
      await keyboardPage.keyboard.press('Enter');
      await keyboardPage.getByRole('heading', { name: 'Allow access?' }).waitFor();
      // Nothing is focused on the consent page (a stray Enter grants nothing): Tab to Allow.
      await tabTo('Allow');
      await keyboardPage.keyboard.press('Enter');
      await keyboardPage.waitForURL(`${app.url}/`);
      expect(await signedInAs(keyboardPage)).toBe('bob');
    } finally {
      await keyboardContext.close();
    }
  });
});
