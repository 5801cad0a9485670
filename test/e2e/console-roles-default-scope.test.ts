import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-console-roles-password';

/**
 * Issue 20 in the console, in real headless Chromium against a real Gatehouse whose reserved scopes are renamed:
 * the client form's default scope and roles-claim switch, its scope suggestions under the configured names, and a
 * profile's default scope.
 */
describe.each(STORES)('console: default scope and roles claim in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const unlabelled = () =>
    page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
      .filter((element) => element.type !== 'hidden' && element.labels.length === 0 && !element.getAttribute('aria-label'))
      .map((element) => element.name || element.outerHTML.slice(0, 80))`);
  /** A full-page screenshot at 1280 px and one at 375 px, on one store; nothing wider than the phone. */
  const shot = async (name: string) => {
    expect(await unlabelled()).toEqual([]);
    if (store !== 'sqlite') return;
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  };

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD, usersScope: 'user_admin', commandsScope: 'all_apps' } });
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

  it('suggests the configured names of the reserved scopes, and saves a default scope and the roles switch', async () => {
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByRole('heading', { name: 'Add a client' }).waitFor();
    // The server's names (GATEHOUSE_USERS_SCOPE, GATEHOUSE_COMMANDS_SCOPE), not the defaults.
    await page.getByRole('button', { name: /^\+ user_admin\b/ }).waitFor();
    for (const suggested of ['all_apps', 'roles']) expect(await page.getByRole('button', { name: new RegExp(`^\\+ ${suggested}\\b`) }).count()).toBe(1);
    for (const renamed of ['users', 'commands']) expect(await page.getByRole('button', { name: new RegExp(`^\\+ ${renamed}\\b`) }).count()).toBe(0);

    await page.getByLabel('Client name').fill('E2E roles');
    await page.getByLabel('Client ID').fill('e2e-roles');
    await page.getByLabel('API scopes').pressSequentially('reports,orders,');
    // Not set by default: the profile's default, else every allowed scope.
    expect(await page.getByLabel('Not set').isChecked()).toBe(true);
    expect(await page.getByText("The security profile's default scope when it sets one, else every scope this client is allowed.").count()).toBe(1);
    await page.getByLabel('These scopes').check();
    // The allowed scopes are offered as defaults.
    await page
      .getByRole('button', { name: /^\+ reports\b/ })
      .last()
      .click();
    expect(await page.getByLabel('Roles in user tokens').isChecked()).toBe(false);
    await page.getByLabel('Roles in user tokens').check();
    await shot('client-default-scope-roles');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByTestId('secret-value').waitFor();
    const secret = await page.getByTestId('secret-value').inputValue();

    const saved = (await (await server.admin('GET', '/clients/e2e-roles')).json()) as { scope: string; default_scope: string | null; roles_claim: boolean };
    expect(saved).toMatchObject({ scope: 'reports orders', default_scope: 'reports', roles_claim: true });
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('e2e-roles', secret) });
    expect(decodeJwt(((await response.json()) as { access_token: string }).access_token).scope).toBe('reports');

    // No scope, and the switch off again: what the form shows after saving is what the server holds.
    await page.getByLabel('No scope').check();
    await page.getByLabel('Roles in user tokens').uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes saved');
    expect(await (await server.admin('GET', '/clients/e2e-roles')).json()).toMatchObject({ default_scope: '', roles_claim: false });
    expect(await page.getByLabel('No scope').isChecked()).toBe(true);
  });

  it("sets a profile's default scope on the Security profiles page", async () => {
    await page.getByRole('link', { name: 'Security profiles' }).click();
    await page.getByLabel('Profile name').fill('e2e-narrow');
    await page.getByRole('button', { name: 'Add profile' }).click();
    await page.getByRole('heading', { name: 'Profile e2e-narrow' }).waitFor();
    expect(await page.getByLabel('Not set').isChecked()).toBe(true);
    await page.getByLabel('These scopes').check();
    const chips = page.getByLabel('Default scopes');
    await chips.fill('reports');
    await chips.press('Enter');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Profile e2e-narrow saved');
    expect(await (await server.admin('GET', '/profiles/e2e-narrow')).json()).toMatchObject({ default_scope: 'reports' });
    await expect.poll(() => page.getByRole('cell', { name: 'reports', exact: true }).count()).toBe(1);
    await shot('profile-default-scope');

    await page.getByLabel('No scope').check();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(async () => ((await (await server.admin('GET', '/profiles/e2e-narrow')).json()) as { default_scope: string | null }).default_scope).toBe('');
    await expect.poll(() => page.getByRole('cell', { name: 'no scope', exact: true }).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
