import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-console-password';
const AUDITOR_PASSWORD = 'e2e-auditor-password';

/** The Administrators page, an auditor's read-only console, and revoking a token from the audit log, in Chromium. */
describe.each(STORES)('console administrators and token revocation in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(username: string, password: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 860 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    return page;
  }
  /** A full-page screenshot at the desktop width and at 375 px (sqlite run only: the pages are the same). */
  async function shots(page: Page, name: string): Promise<void> {
    if (store !== 'sqlite') return;
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    const width = page.viewportSize()?.width ?? 1280;
    await page.setViewportSize({ width: 375, height: 812 });
    // Nothing wider than the phone's screen but the tables' own scrolling wrappers.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    await page.setViewportSize({ width, height: 860 });
  }

  it('adds an auditor, resets a password, changes a role and deletes an account; never offers deleting yourself', async () => {
    const page = await signedIn('admin', PASSWORD);
    await page.getByRole('link', { name: 'Administrators' }).click();
    await page.getByRole('heading', { name: 'Administrators' }).waitFor();
    const rows = page.locator('table.admins-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    // Your own row has no delete button.
    expect(await page.getByRole('button', { name: 'Delete admin' }).count()).toBe(0);

    for (const [username, role] of [
      ['olga', 'Auditor (read-only)'],
      ['temp', 'Administrator'],
    ] as const) {
      await page.getByRole('button', { name: 'Add account' }).first().click();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password', { exact: true }).fill(username === 'olga' ? AUDITOR_PASSWORD : 'a short');
      await page.getByLabel('Role').selectOption({ label: role });
      await page.locator('form').getByRole('button', { name: 'Add account' }).click();
      if (username === 'temp') {
        // Inline field error, form kept.
        await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('12');
        await page.getByLabel('Password', { exact: true }).fill('temp password 123');
        await page.locator('form').getByRole('button', { name: 'Add account' }).click();
      }
      await expect.poll(() => page.locator('.alert-success').first().textContent()).toContain(`Account ${username} added`);
    }
    await expect.poll(() => rows.count()).toBe(3);
    await shots(page, 'administrators');

    await page.getByRole('button', { name: 'Make temp an auditor' }).click();
    await expect.poll(() => page.locator('.alert-success').first().textContent()).toContain('temp is now an auditor');
    await page.getByRole('button', { name: 'Reset the password of temp' }).click();
    await page.getByLabel('New password').first().fill('temp password 456');
    await page.locator('form').getByRole('button', { name: 'Reset password' }).click();
    await expect.poll(() => page.locator('.alert-success').first().textContent()).toContain('Password of temp reset');

    // Deleting asks first; Cancel keeps the account.
    await page.getByRole('button', { name: 'Delete temp' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Delete the account temp?');
    await shots(page, 'administrators-confirm-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByRole('button', { name: 'Delete temp' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows an auditor every page without write actions; their own password they can change', async () => {
    const page = await signedIn('olga', AUDITOR_PASSWORD);
    await page.getByRole('note').waitFor();
    expect(await page.getByRole('button', { name: 'Add client' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add user' }).isVisible()).toBe(false);
    await page.getByRole('link', { name: 'Administrators' }).click();
    await page.getByRole('heading', { name: 'Administrators' }).waitFor();
    expect(await page.getByRole('button', { name: /^Make |^Delete |^Reset the password/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add account' }).isVisible()).toBe(false);
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('olga new password 1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('not your current password');
    await page.getByLabel('Current password').fill(AUDITOR_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('.alert-success').first().textContent()).toContain('Password changed');
    await shots(page, 'administrators-auditor');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('revokes an issued token from its audit-log row after a confirmation; introspection then says inactive', async () => {
    const client = await server.createClient({ client_id: 'e2e-app', client_name: 'E2E app', scope: 'orders:read' });
    const issued = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'orders:read' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const jti = String(decodeJwt(token).jti);
    const active = async () =>
      ((await (await postForm(`${server.url}/oauth/introspect`, { token }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as { active: boolean }).active;
    expect(await active()).toBe(true);
    await server.gatehouse.audit.flush();

    const page = await signedIn('admin', PASSWORD);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const revoke = page.getByRole('button', { name: `Revoke the token ${jti}` });
    await revoke.waitFor();
    await revoke.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(jti);
    await shots(page, 'audit-revoke-confirm');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.locator('.alert-success').first().textContent()).toContain(`Token ${jti} revoked`);
    expect(await active()).toBe(false);

    // The client page revokes all of the client's tokens, also behind a confirmation.
    await page.goto(`${server.url}/admin/clients/e2e-app`);
    await page.getByRole('heading', { name: 'Revoke tokens' }).waitFor();
    await page.getByRole('button', { name: 'Revoke all tokens' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.locator('.alert-success').first().textContent()).toContain('Every token of client e2e-app');
    await shots(page, 'client-revoke-tokens');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
