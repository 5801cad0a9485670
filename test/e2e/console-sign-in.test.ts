import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-console-sign-in-password';

/**
 * The console's side of browser sign-in, in real headless Chromium against a real Gatehouse: public
 * clients with redirect URIs, and the server's refusal of a redirect URI shown next to its field.
 */
describe.each(STORES)('console: browser sign-in clients in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  /** Every form control on the page has a label (an associated <label> or an aria-label). */
  const unlabelled = () =>
    page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
      .filter((element) => element.type !== 'hidden' && element.labels.length === 0 && !element.getAttribute('aria-label'))
      .map((element) => element.name || element.outerHTML.slice(0, 80))`);
  /** A full-page screenshot at 1280 px, and one at 375 px (a phone), on one store. */
  const shot = async (name: string) => {
    expect(await unlabelled()).toEqual([]);
    if (store !== 'sqlite') return;
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  };
  const clientJson = async (clientId: string) => (await (await server.admin('GET', `/clients/${clientId}`)).json()) as Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('limits a public client to the authorization code grant and hides what needs a secret', async () => {
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByRole('heading', { name: 'Add a client' }).waitFor();
    expect(await page.getByLabel('Confidential', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Token endpoint authentication method').count()).toBe(1);
    // The code flow's fields appear with its grant.
    expect(await page.getByLabel('Redirect URIs').count()).toBe(0);

    await page.getByLabel('Public', { exact: true }).check();
    expect(await page.getByLabel('Authorization code').isChecked()).toBe(true);
    expect(await page.getByLabel('Client credentials').count()).toBe(0);
    expect(await page.getByLabel('Password', { exact: true }).count()).toBe(0);
    expect(await page.getByLabel('Token endpoint authentication method').count()).toBe(0);
    expect(await page.getByLabel('May act for users').count()).toBe(0);
    for (const label of ['Redirect URIs', 'Post-logout redirect URIs', 'Skip consent (first-party)', 'Require pushed authorization requests']) {
      expect(await page.getByLabel(label, { exact: true }).count()).toBe(1);
    }
  });

  it("shows the server's refusal of an http redirect URI next to the field, and creates nothing", async () => {
    await page.getByLabel('Client name').fill('E2E web app');
    await page.getByLabel('Client ID').fill('e2e-web-app');
    const redirectUris = page.getByLabel('Redirect URIs', { exact: true });
    await redirectUris.fill('https://app.example.com/callback\nhttp://evil.example/cb');
    await page.getByRole('button', { name: 'Create client' }).click();
    await expect.poll(() => redirectUris.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await redirectUris.getAttribute('aria-describedby')) ?? '';
    const error = (await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()) ?? '';
    expect(error).toContain('http://evil.example/cb');
    expect(error).toContain('uses http');
    expect(await page.getByRole('alert').textContent()).toContain('Not saved');
    expect((await server.admin('GET', '/clients/e2e-web-app')).status).toBe(404);
    await shot('client-public-redirect-uri-error');
  });

  it('creates the public client with its redirect URIs and switches and shows no secret', async () => {
    await page.getByLabel('Redirect URIs', { exact: true }).fill('https://app.example.com/callback\n\nhttp://127.0.0.1/cb\n');
    await page.getByLabel('Post-logout redirect URIs').fill('https://app.example.com/');
    await page.getByLabel('Skip consent (first-party)').check();
    await page.getByLabel('Require pushed authorization requests').check();
    await page.getByRole('button', { name: 'Create client' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Client e2e-web-app created');
    expect(await page.getByRole('status').filter({ hasText: 'Public client: no secret.' }).count()).toBe(1);
    expect(await page.getByTestId('secret-value').count()).toBe(0);
    expect(await page.getByLabel('Redirect URIs', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(await clientJson('e2e-web-app')).toMatchObject({
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: ['https://app.example.com/callback', 'http://127.0.0.1/cb'],
      post_logout_redirect_uris: ['https://app.example.com/'],
      skip_consent: true,
      require_pushed_authorization_requests: true,
      may_act_for_users: false,
    });
    await shot('client-public-created');
  });

  it("shows the stored client's new fields, without secret rotation or keys", async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Client E2E web app' }).waitFor();
    expect(await page.getByLabel('Public', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Redirect URIs', { exact: true }).inputValue()).toBe('https://app.example.com/callback\nhttp://127.0.0.1/cb');
    expect(await page.getByLabel('Post-logout redirect URIs').inputValue()).toBe('https://app.example.com/');
    expect(await page.getByLabel('Skip consent (first-party)').isChecked()).toBe(true);
    expect(await page.getByLabel('Require pushed authorization requests').isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Generate key pair' }).count()).toBe(0);
    expect(await page.getByText('Public client: no secret and no keys').count()).toBe(1);

    // A change to one field keeps the others; a bad post-logout URI is refused beside its own field.
    await page.getByLabel('Require pushed authorization requests').uncheck();
    const postLogout = page.getByLabel('Post-logout redirect URIs');
    await postLogout.fill('https://app.example.com/#signed-out');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => postLogout.getAttribute('aria-invalid')).toBe('true');
    await postLogout.fill('https://app.example.com/signed-out');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes saved');
    expect(await clientJson('e2e-web-app')).toMatchObject({
      redirect_uris: ['https://app.example.com/callback', 'http://127.0.0.1/cb'],
      post_logout_redirect_uris: ['https://app.example.com/signed-out'],
      skip_consent: true,
      require_pushed_authorization_requests: false,
    });
    await shot('client-public-detail');

    await page.goto(`${server.url}/admin/clients`);
    await expect.poll(() => page.getByRole('row', { name: /E2E web app/ }).textContent()).toContain('Public');
  });

  it('creates a confidential code-flow client, whose secret is shown once', async () => {
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByLabel('Client name').fill('E2E portal');
    await page.getByLabel('Client credentials').uncheck();
    await page.getByLabel('Authorization code').check();
    await page.getByLabel('Redirect URIs', { exact: true }).fill('https://portal.example.com/callback');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByTestId('secret-value').waitFor();
    expect(await page.getByText('Public client: no secret').count()).toBe(0);
    expect(await clientJson((await page.getByLabel('Client ID').inputValue()).trim())).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'] });
    expect(problems).toEqual([]);
  });
});
