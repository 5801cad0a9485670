import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerConfirmation, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-forms-password';
const USER_PASSWORD = 'user-password-1';
const PHONE = { width: 375, height: 800 };
const DESKTOP = { width: 1280, height: 860 };

/**
 * Issue 21's console forms in Chromium: one confirmation dialog for destructive actions, the warning before
 * leaving unsaved changes, an edit kept across an expired session, every invalid field at once, users'
 * delete and unlock at a phone's width, key upload errors in words.
 */
describe.each(STORES)('console forms in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const shot = async (name: string) => {
    if (store !== 'sqlite') return;
    await page.screenshot({ path: join(SCREENSHOTS, `forms-${name}.png`), fullPage: true });
  };
  /** A screenshot at desktop width and one at 375 px, then back to the desktop. */
  const shots = async (name: string) => {
    await shot(`${name}-desktop`);
    await page.setViewportSize(PHONE);
    await shot(`${name}-375`);
    await page.setViewportSize(DESKTOP);
  };
  const overflow = () => page.evaluate<number>('document.scrollingElement.scrollWidth');
  const userJson = async (username: string) => {
    const list = (await (await server.admin('GET', `/users?search=${encodeURIComponent(username)}`)).json()) as { users: { username: string; locked_until: string | null }[] };
    return list.users.find((user) => user.username === username);
  };
  const signIn = async () => {
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const open = async (path: string, heading: string | RegExp) => {
    await page.goto(`${server.url}/admin${path}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD, lockoutThreshold: 1 } });
    for (const username of ['alice', 'bob', 'carol'])
      expect((await server.admin('POST', '/users', { username, password: USER_PASSWORD, email: `${username}@example.com`, roles: ['staff'] })).status).toBe(201);
    // bob is locked: one wrong password with a lockout threshold of 1.
    const client = await server.createClient({ client_id: 'legacy-app', grant_types: ['password'], scope: 'read' });
    await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'password', username: 'bob', password: 'wrong-password', scope: 'read' },
      { authorization: basicAuth(client.client_id, client.client_secret) },
    );
    expect((await userJson('bob'))?.locked_until).not.toBeNull();
    await server.createClient({ client_id: 'web-app', client_name: 'Web app', grant_types: ['client_credentials'] });

    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/admin/`);
    await signIn();
    // The overview is the landing page.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks in a dialog before deleting a user: Escape cancels and gives the focus back, the named button deletes', async () => {
    await open('/users', 'Users');
    const remove = page.getByRole('button', { name: 'Delete alice' });
    await remove.click();
    const dialog = page.getByRole('dialog', { name: 'Delete the user alice?' });
    await dialog.waitFor();
    // The cancel button has the focus; the destructive button names the action and its object.
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Cancel');
    expect(await dialog.getByRole('button', { name: 'Delete user alice' }).count()).toBe(1);
    await shots('confirm-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe('Delete alice');
    expect(await userJson('alice')).toBeDefined();

    // Tab stays inside the modal dialog.
    await remove.click();
    await dialog.waitFor();
    for (let step = 0; step < 4; step += 1) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('Boolean(document.activeElement.closest("dialog[open]"))')).toBe(true);
    }
    await dialog.getByRole('button', { name: 'Delete user alice' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('User alice deleted');
    expect(await userJson('alice')).toBeUndefined();
    // The list is fetched again after the deletion: wait for it rather than for a moment.
    await expect.poll(() => page.getByRole('row', { name: /alice/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('unlocks a locked user', async () => {
    const row = page.getByRole('row', { name: /bob/ });
    await expect.poll(() => row.textContent()).toContain('Locked until');
    await page.getByRole('button', { name: 'Unlock bob' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('User bob unlocked');
    await expect.poll(() => row.textContent()).not.toContain('Locked until');
    expect((await userJson('bob'))?.locked_until).toBeNull();
  });

  it('fits the users page on a 375 px screen with every action reachable', async () => {
    await page.setViewportSize(PHONE);
    await open('/users', 'Users');
    await page.getByRole('button', { name: 'Delete carol' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(PHONE.width);
    for (const name of ['Edit carol', 'Disable carol', 'Reset the password of carol', 'Delete carol']) {
      const box = await page.getByRole('button', { name }).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
    await shot('users-375');
    // Disabling asks too; cancelling changes nothing.
    const cancelled = answerConfirmation(page, false);
    await page.getByRole('button', { name: 'Disable carol' }).click();
    expect(await cancelled).toContain('Disable the user carol?');
    await page.setViewportSize(DESKTOP);
    await shot('users-desktop');
  });

  it('reports every invalid field of the user form at once, quoting values as typed', async () => {
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Username', { exact: true }).fill(' spaced ');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByLabel('Roles', { exact: true }).fill('staff, admin');
    const requests: string[] = [];
    const listen = (request: { method(): string; url(): string }) => request.method() === 'POST' && requests.push(request.url());
    page.on('request', listen);
    await page.getByRole('button', { name: 'Add user', exact: true }).last().click();
    await expect.poll(() => page.locator('.field-error').count()).toBe(3);
    page.off('request', listen);
    expect(requests).toEqual([]);
    const form = page.getByRole('form', { name: 'Add a user' });
    expect(await form.getByRole('alert').textContent()).toContain('3 fields need a change');
    for (const label of ['Username', 'Password', 'Email']) expect(await page.getByLabel(label, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await shots('user-form-errors');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('reports every invalid field of the client form at once, values as typed', async () => {
    await open('/clients/new', 'Add a client');
    await page.getByLabel('Client ID').fill('has space');
    await page.getByLabel('Access-token lifetime (seconds)').fill('-5');
    await page.getByLabel('Allowed origins').fill('https://café.example/path');
    await page.getByRole('button', { name: 'Create client' }).click();
    await expect.poll(() => page.locator('.field-error').count()).toBe(4);
    const errors = await page.locator('.field-error').allTextContents();
    // The server's own messages (its parse functions run in the browser).
    expect(errors.join('\n')).toContain('must be a non-empty string of at most 200 characters');
    expect(errors.join('\n')).toContain('must be 1 to 255 printable ASCII characters without spaces');
    expect(errors.join('\n')).toContain("must be an integer from 0 to 99999999 (seconds; 0: the server's maximum)");
    expect(errors.join('\n')).toContain("'https://café.example/path' is not an origin");
    expect(errors.join('\n')).not.toMatch(/\\u|\?/);
    await shots('client-form-errors');
  });

  it('shows every field of the client form the server refuses where no local check knows them (scope elements)', async () => {
    // The form above, its local problems fixed: scope elements are checked by the server alone.
    await page.getByLabel('Client name').fill('Server checks scopes');
    await page.getByLabel('Client ID').fill('server-checks');
    await page.getByLabel('Access-token lifetime (seconds)').fill('3600');
    await page.getByLabel('Allowed origins').fill('');
    await page.getByLabel('API scopes').fill('read naïve,');
    await page.getByRole('radio', { name: 'These scopes' }).check();
    await page.getByLabel('Default scopes', { exact: true }).fill('a"b,');
    const answers: number[] = [];
    const listen = (response: { request(): { method(): string }; url(): string; status(): number }) => {
      if (response.request().method() === 'POST' && response.url().endsWith('/admin/api/clients')) answers.push(response.status());
    };
    page.on('response', listen);
    await page.getByRole('button', { name: 'Create client' }).click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual(["'naïve' is not a valid scope element (RFC 6749 §3.3)", `'a"b' is not a valid scope element (RFC 6749 §3.3)`]);
    page.off('response', listen);
    // The server, not the browser, refused: one request, answered 400 with both fields.
    expect(answers).toEqual([400]);
    expect(await page.getByRole('alert').first().textContent()).toBe('Not saved: 2 fields need a change (marked below).');
    expect((await server.admin('GET', '/clients/server-checks')).status).toBe(404);
    await shots('client-form-server-errors');
  });

  it('warns before leaving unsaved changes by an in-app link, and leaves when told', async () => {
    // The new-client form above (refused by the server) is still unsaved.
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    await dialog.waitFor();
    await shot('leave-dialog');
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(page.url()).toBe(`${server.url}/admin/clients/new`);
    expect(await page.getByLabel('Client ID').inputValue()).toBe('server-checks');
    // Signing out would lose them too: the same question.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByLabel('Client ID').inputValue()).toBe('server-checks');

    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin/users`);

    // Without changes, nothing asks.
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Web app' }).click();
    await page.getByRole('heading', { name: 'Client Web app' }).waitFor();
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();

    // The browser's back button asks too (within the console): staying keeps the address and the edit.
    await page.goBack();
    await page.getByRole('heading', { name: 'Client Web app' }).waitFor();
    await page.getByLabel('Client name').fill('Changed, not saved');
    await page.goBack();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(page.url()).toBe(`${server.url}/admin/clients/web-app`);
    expect(await page.getByLabel('Client name').inputValue()).toBe('Changed, not saved');
    await page.goBack();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin/clients`);
  });

  it('asks once before leaving a page whose several forms hold changes, and still asks when one of them is cleared', async () => {
    await open('/clients/web-app', 'Client Web app');
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    // A typed PIN (never kept across sessions) is an unsaved change of its own.
    await page.getByLabel('PIN', { exact: true }).fill('4711');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(page.url()).toBe(`${server.url}/admin/clients/web-app`);
    // A pasted public key not added yet, and the client form changed as well.
    await page.getByLabel('Public key (PEM, JWK or OpenSSH)').fill('-----BEGIN PUBLIC KEY-----');
    await page.getByLabel('Client name').fill('Web app, edited');
    // Clearing the PIN and the key removes their questions, not the client form's.
    await page.getByLabel('PIN', { exact: true }).fill('');
    await page.getByLabel('Public key (PEM, JWK or OpenSSH)').fill('');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(await dialog.count()).toBe(0);
    expect(page.url()).toBe(`${server.url}/admin/users`);
  });

  it('keeps an edit when the session expired: save, sign in again, the edit is back', async () => {
    await open('/clients/web-app', 'Client Web app');
    await page.getByLabel('Client name').fill('Web app (renamed)');
    // The session ends on the server (as if it expired): the console's own session is deleted.
    const session = (await (await page.request.get(`${server.url}/admin/api/session`)).json()) as { csrf_token: string };
    expect((await page.request.delete(`${server.url}/admin/api/session`, { headers: { 'x-csrf-token': session.csrf_token } })).status()).toBe(204);
    await page.getByRole('button', { name: 'Save changes' }).click();

    await page.getByRole('heading', { name: 'Gatehouse console' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Your session has expired');
    // Nothing secret is kept: only the client form's fields.
    const kept = await page.evaluate<string>('JSON.stringify(Object.entries(sessionStorage))');
    expect(kept).toContain('Web app (renamed)');
    expect(kept).not.toContain(PASSWORD);
    await shots('session-expired');

    await signIn();
    await page.getByRole('heading', { name: 'Client Web app' }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin/clients/web-app`);
    await expect.poll(() => page.getByLabel('Client name').inputValue()).toBe('Web app (renamed)');
    expect(await page.getByText('Your unsaved changes from before the session expired are back').count()).toBe(1);
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes saved');
    expect(((await (await server.admin('GET', '/clients/web-app')).json()) as { client_name: string }).client_name).toBe('Web app (renamed)');
  });

  it('asks before rotating a secret with no grace period, and before removing a key', async () => {
    await page.getByLabel('Grace period (seconds)').fill('0');
    const cancelled = answerConfirmation(page, false);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const text = await cancelled;
    expect(text).toContain('stops working at once');
    expect(text).toContain('Rotate the secret of web-app now');
    expect(await page.getByTestId('secret-value').count()).toBe(0);
    await shots('client-page');
  });

  it('explains a refused key upload in words, and never sends a private key', async () => {
    const field = page.getByLabel('Public key (PEM, JWK or OpenSSH)');
    const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const sent: string[] = [];
    const listen = (request: { method(): string; postData(): string | null }) => request.method() === 'POST' && sent.push(request.postData() ?? '');
    page.on('request', listen);
    await field.fill(privatePem);
    await page.getByRole('button', { name: 'Add key' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('A private key was given: upload the public half');
    expect(sent).toEqual([]);
    expect(await page.locator('.field-error').first().textContent()).not.toContain('BEGIN');

    await field.fill('-----BEGIN PUBLIC KEY-----\nAAAAB3NzaC1yc2E=\n-----END PUBLIC KEY-----');
    await page.getByRole('button', { name: 'Add key' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('not a PEM public key');
    page.off('request', listen);
    expect(await page.locator('.field-error').first().textContent()).not.toMatch(/error:|routines|ERR_/);
    await shot('key-upload-error');
  });

  it('takes screenshots of the other pages it changed, at desktop and 375 px', async () => {
    for (const [path, heading, name] of [
      ['/clients', 'Clients', 'clients'],
      ['/sessions', 'Sessions', 'sessions'],
      ['/consents', 'Consents', 'consents'],
      ['/audit', 'Audit log', 'audit'],
      ['/profiles', 'Security profiles', 'profiles'],
      ['/keys', 'Signing keys', 'signing-keys'],
      ['/branding', 'Branding', 'branding'],
    ] as const) {
      await open(path, heading);
      await shots(name);
    }
    expect(problems).toEqual([]);
  });
  it('asks before leaving unsaved settings, security profile and command edits too', async () => {
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    await open('/settings', 'Settings');
    await page.getByLabel('Cookie name').fill('changed_not_saved');
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    expect(page.url()).toBe(`${server.url}/admin/settings`);
    expect(await page.getByLabel('Cookie name').inputValue()).toBe('changed_not_saved');
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();

    await open('/commands/new', 'New command');
    await page.getByLabel('Application').fill('unsaved');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(problems).toEqual([]);
  });
});
