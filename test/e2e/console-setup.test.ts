import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'first administrator password';

/**
 * A first run in real headless Chromium: the sign-in page says how to get an account while there is no
 * administrator, the setup link's page creates the first one and signs them in, and the hint is gone after.
 */
describe.each(STORES)('console: the first administrator in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  /** A full-page screenshot at 1280 px and at 375 px (a phone), on one store; nothing wider than the phone. */
  const shot = async (name: string) => {
    if (store !== 'sqlite') return;
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  };

  beforeAll(async () => {
    server = await startTestServer({ store });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('leads / to the sign-in page, which says how to get an account when there is none', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Gatehouse console' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/');
    const hint = page.getByRole('status').filter({ hasText: 'There is no administrator yet' });
    await hint.waitFor();
    expect(await hint.textContent()).toContain('admins create <username>');
    await shot('console-sign-in-no-administrator');
  });

  it('creates the first administrator with the setup link, drops the secret from the address and signs them in', async () => {
    const { secret } = await server.gatehouse.adminSetup.renew();
    await page.goto(`${server.url}/admin/setup#${secret}`);
    await page.getByRole('heading', { name: 'Create the first administrator' }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin/setup`);
    await page.getByLabel('Username').fill('first');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(`${PASSWORD}!`);
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    await expect.poll(() => page.getByLabel('Password again').getAttribute('aria-invalid')).toBe('true');
    expect(await server.gatehouse.admins.list()).toEqual([]);
    await shot('console-setup');

    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    // Signed in, on the landing page.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/overview');
    expect(await page.locator('.who').textContent()).toContain('first');
    expect((await server.gatehouse.admins.list()).map((admin) => admin.username)).toEqual(['first']);
  });

  it('shows no hint once an administrator exists, and the used link says what to do', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The page asked the server before deciding: give that answer time to arrive.
    await page.waitForLoadState('networkidle');
    expect(await page.getByText('There is no administrator yet').count()).toBe(0);

    await page.goto(`${server.url}/admin/setup#no-longer-any-use`);
    await page.getByLabel('Username').fill('second');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('an administrator exists already');
    expect(problems).toEqual([]);
  });
});
