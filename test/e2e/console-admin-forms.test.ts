import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminsJson, DeclarativeCommandsJson } from '../../src/admin-api/wire.js';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-admin-forms-password';
const NEW_PASSWORD = 'kept-admin-password-1';
/** A literal API key typed as a header value: never kept in the browser's storage. */
const TYPED_KEY = 'typed-api-key-5b1e0d';
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 812 };

/**
 * Issue 21 in Chromium, for the administrators forms and the command editor: every invalid field marked at once
 * (checked in the browser with the server's rules, and as the server lists them), the leave guard of a
 * half-filled administrator form, and edits kept across an expired session without passwords or header values.
 */
describe.each(STORES)('administrator and command forms in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  /** A full-page screenshot at 1280 px and one at 375 px (nothing wider than the phone), sqlite run only. */
  const shots = async (name: string) => {
    if (store === 'sqlite') await page.screenshot({ path: join(SCREENSHOTS, `admin-forms-${name}.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    if (store === 'sqlite') await page.screenshot({ path: join(SCREENSHOTS, `admin-forms-${name}-375.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
  };
  /** The message beside a field: the texts its aria-describedby names (the error comes first). */
  const errorOf = async (field: Locator) => {
    if ((await field.getAttribute('aria-invalid')) !== 'true') return null;
    const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter((id) => id !== '');
    return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ');
  };
  const signIn = async () => {
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const open = async (path: string, heading: string) => {
    await page.goto(`${server.url}/admin${path}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };
  /** The console session ends on the server, as if it expired. */
  const expireSession = async () => {
    const session = (await (await page.request.get(`${server.url}/admin/api/session`)).json()) as { csrf_token: string };
    expect((await page.request.delete(`${server.url}/admin/api/session`, { headers: { 'x-csrf-token': session.csrf_token } })).status()).toBe(204);
  };
  const admins = async () => ((await (await server.admin('GET', '/admins')).json()) as AdminsJson).admins.map((admin) => admin.username);
  const commands = async () => ((await (await server.admin('GET', '/commands')).json()) as DeclarativeCommandsJson).commands.filter((command) => command.source === 'console');

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: DESKTOP });
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/admin/`);
    await signIn();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('marks every invalid field of the administrator forms at once, and adds nothing', async () => {
    await open('/administrators', 'Administrators');
    await page.getByRole('button', { name: 'Add account' }).first().click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add an account' }) });
    await form.getByLabel('Username').fill('has space');
    await form.getByLabel('Password', { exact: true }).fill('short');
    await form.getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => errorOf(form.getByLabel('Username'))).toMatch(/^must be 1 to 64 letters/);
    expect(await errorOf(form.getByLabel('Password', { exact: true }))).toMatch(/^must be 12 to 1024 characters/);
    expect(await form.getByRole('alert').first().textContent()).toContain('2 fields need a change');
    // The form stays as typed.
    expect(await form.getByLabel('Username').inputValue()).toBe('has space');

    // Your own password: an empty current one and a short new one, both marked.
    const own = page.locator('form', { has: page.getByRole('heading', { name: 'Change your password' }) });
    await own.getByLabel('New password').fill('short');
    await own.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => errorOf(own.getByLabel('Current password'))).toMatch(/^is required/);
    expect(await errorOf(own.getByLabel('New password'))).toMatch(/^must be 12 to 1024 characters/);
    await shots('administrator-invalid');
    // A wrong current password only the server can tell: with a good new one, the server's answer marks it.
    await own.getByLabel('Current password').fill('not my password');
    await own.getByLabel('New password').fill('a new password 123');
    await own.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => errorOf(own.getByLabel('Current password'))).toMatch(/^is not your current password/);
    expect(await errorOf(own.getByLabel('New password'))).toBeNull();
    await own.getByLabel('Current password').fill('');
    await own.getByLabel('New password').fill('');
    expect(await admins()).toEqual(['admin']);
  });

  it('asks before leaving a half-filled administrator form, and leaves when told', async () => {
    // The add form above is still half-filled.
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await dialog.waitFor();
    await shots('administrator-leave');
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(page.url()).toBe(`${server.url}/admin/administrators`);
    expect(await page.getByLabel('Username').inputValue()).toBe('has space');
    // Cancelled, nothing asks; a typed new password of a reset asks again.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Reset the password of admin' }).click();
    await page
      .locator('form', { has: page.getByRole('heading', { name: 'Reset the password of admin' }) })
      .getByLabel('New password')
      .fill('half typed');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    // Without changes, nothing asks.
    await open('/administrators', 'Administrators');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  });

  it('keeps the administrator being added across an expired session, without the password', async () => {
    await open('/administrators', 'Administrators');
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByLabel('Username').fill('kept-admin');
    await page.getByLabel('Role').selectOption('auditor');
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await expireSession();
    await page.locator('form').getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('heading', { name: 'Gatehouse console' }).waitFor();
    const kept = await page.evaluate<string>('JSON.stringify(Object.entries(sessionStorage))');
    expect(kept).toContain('kept-admin');
    expect(kept).not.toContain(NEW_PASSWORD);

    await signIn();
    await page.getByRole('heading', { name: 'Administrators', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Username').inputValue()).toBe('kept-admin');
    expect(await page.getByLabel('Role').inputValue()).toBe('auditor');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await page.getByText('Passwords are never kept: type the password again').count()).toBe(1);
    await shots('administrator-kept');
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.locator('form').getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => page.locator('.alert-success').first().textContent()).toContain('Account kept-admin added');
    expect(await admins()).toContain('kept-admin');
  });

  it('marks every invalid field of the command editor at once: its own checks, then all the server lists', async () => {
    await open('/commands/new', 'New command');
    const app = page.getByLabel('Application');
    const name = page.getByLabel('Name', { exact: true });
    const url = page.getByLabel('URL template');
    const timeout = page.getByLabel('Timeout (milliseconds)');
    const relay = page.getByLabel("Relay the upstream's answer");
    await app.fill('has space');
    await url.fill('ftp://example.com/orders');
    await timeout.fill('0');
    await relay.check();
    await page.getByLabel('Relayed headers').fill('etag, Set-Cookie');
    await page.getByRole('button', { name: 'Create command' }).click();
    await expect.poll(() => errorOf(app)).toMatch(/^must be 1-64 letters/);
    expect(await errorOf(name)).toMatch(/^is required/);
    expect(await errorOf(url)).toMatch(/^must be an http\(s\) URL template/);
    expect(await errorOf(timeout)).toMatch(/^must be a positive integer; '0' is not/);
    // The value as typed, in single quotes.
    expect(await errorOf(page.getByLabel('Relayed headers'))).toMatch(/^may not list 'Set-Cookie': Gatehouse never relays it/);
    expect(await page.getByRole('alert').first().textContent()).toContain('5 fields need a change');
    await expect.poll(() => page.evaluate('document.activeElement.name')).toBe('app');
    await shots('command-invalid');

    // Rules only the server knows (a reserved scope, a variable GATEHOUSE_COMMAND_ENV does not list, a JSON
    // Schema that does not compile): one refusal lists them all, and each is marked beside its field.
    await app.fill('users');
    await name.fill('lookup');
    await url.fill('{{env.NOT_LISTED}}/orders');
    await timeout.fill('');
    await relay.uncheck();
    await page.getByLabel('Input JSON Schema').fill('{"type": "no-such-type"}');
    await page.getByRole('button', { name: 'Create command' }).click();
    await expect.poll(() => errorOf(app)).toMatch(/^may not be users: it is a reserved scope/);
    expect(await errorOf(url)).toMatch(/^may not read the environment variable NOT_LISTED/);
    expect(await errorOf(page.getByLabel('Input JSON Schema'))).toMatch(/^is not a valid JSON Schema/);
    expect(await errorOf(name)).toBeNull();
    expect(await page.getByRole('alert').first().textContent()).toContain('3 fields need a change');
    await shots('command-server-invalid');
    expect(await commands()).toEqual([]);
  });

  it('keeps the command editor’s edit across an expired session (header values excepted) and restores it', async () => {
    // The edit above is left behind, when told; then a new one.
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.getByRole('dialog', { name: 'Leave without saving?' }).getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New command' }).click();
    await page.getByRole('heading', { name: 'New command', level: 1 }).waitFor();
    await page.getByLabel('Application').fill('orders');
    await page.getByLabel('Name', { exact: true }).fill('kept');
    await page.getByLabel('Description').fill('kept across sign-in');
    await page.getByLabel('URL template').fill('https://example.com/orders/{{input.id}}');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header name 1').fill('x-api-key');
    await page.getByLabel('Header value 1').fill(TYPED_KEY);
    await page.getByLabel('Timeout (milliseconds)').fill('2500');
    await expireSession();
    await page.getByRole('button', { name: 'Create command' }).click();
    await page.getByRole('heading', { name: 'Gatehouse console' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('your unsaved changes are kept');
    const kept = await page.evaluate<string>('JSON.stringify(Object.entries(sessionStorage))');
    expect(kept).toContain('kept across sign-in');
    expect(kept).not.toContain(TYPED_KEY);

    await signIn();
    await page.getByRole('heading', { name: 'New command', level: 1 }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin/commands/new`);
    await expect.poll(() => page.getByLabel('Description').inputValue()).toBe('kept across sign-in');
    expect(await page.getByLabel('Application').inputValue()).toBe('orders');
    expect(await page.getByLabel('URL template').inputValue()).toBe('https://example.com/orders/{{input.id}}');
    expect(await page.getByLabel('Timeout (milliseconds)').inputValue()).toBe('2500');
    expect(await page.getByLabel('Header name 1').inputValue()).toBe('x-api-key');
    expect(await page.getByLabel('Header value 1').inputValue()).toBe('');
    const notice = page.getByText('Your unsaved changes from before the session expired are back');
    expect(await notice.textContent()).toContain('Header values are never kept');
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await shots('command-kept');
    await page.getByRole('button', { name: 'Remove header x-api-key' }).click();
    await page.getByRole('button', { name: 'Create command' }).click();
    await page.getByRole('heading', { name: 'Command orders/kept', level: 1 }).waitFor();
    expect((await commands()).map((command) => [command.app, command.name, command.spec?.timeoutMs])).toEqual([['orders', 'kept', 2500]]);
    expect(problems).toEqual([]);
  });
});
