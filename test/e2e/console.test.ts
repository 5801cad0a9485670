import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerConfirmation, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-console-password';

/**
 * The web console in real headless Chromium against a real running Gatehouse: everything the
 * administrator does goes through the pages, everything a client does goes over HTTP.
 */
describe.each(STORES)('web console in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  let clientSecret = '';

  /** Every form control on the page has a label (an associated <label> or an aria-label). */
  const unlabelled = () =>
    page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
      .filter((element) => element.type !== 'hidden' && element.labels.length === 0 && !element.getAttribute('aria-label'))
      .map((element) => element.name || element.outerHTML.slice(0, 80))`);
  const shot = async (name: string) => {
    expect(await unlabelled()).toEqual([]);
    if (store === 'sqlite') await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const token = (clientId: string, secret: string, scope = 'orders:read orders:write') =>
    postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(clientId, secret) });

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD, commandsDir: 'examples/commands' } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    // A CSP violation or a script error would mean a page that does not work as built.
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses a wrong password with an error and no session', async () => {
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong username or password');
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('gatehouse_admin_session');
    expect((await page.request.get(`${server.url}/admin/api/session`)).status()).toBe(401);
    await shot('sign-in-error');
  });

  it('signs in and lists clients', async () => {
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The overview is the landing page.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'gatehouse_admin_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    await expect.poll(() => page.getByText('Signed in as').textContent()).toContain('admin');
    await shot('clients-empty');
  });

  it('creates a client with client_credentials and two scopes, shows the secret once, and the secret gets a token', async () => {
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByRole('heading', { name: 'Add a client' }).waitFor();
    await page.getByLabel('Client name').fill('E2E partner');
    await page.getByLabel('Client ID').fill('e2e-partner');
    expect(await page.getByLabel('Client credentials').isChecked()).toBe(true);
    expect(await page.getByLabel('Refresh tokens').isDisabled()).toBe(true);
    const scopes = page.getByLabel('API scopes');
    await scopes.fill('orders:read');
    await scopes.press('Enter');
    await scopes.pressSequentially('orders:write,');
    expect(await page.getByRole('button', { name: /^Remove scope/ }).count()).toBe(2);
    // Suggestions: the reserved scopes and the loaded applications.
    for (const suggested of ['users', 'commands', 'demo']) expect(await page.getByRole('button', { name: new RegExp(`^\\+ ${suggested}\\b`) }).count()).toBe(1);
    expect(await page.getByLabel('Access-token lifetime (seconds)').inputValue()).toBe('7200');
    await shot('client-new');
    await page.getByRole('button', { name: 'Create client' }).click();

    const secretField = page.getByTestId('secret-value');
    await secretField.waitFor();
    clientSecret = await secretField.inputValue();
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Copy' }).first().click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(clientSecret);
    expect(page.url()).toBe(`${server.url}/admin/clients/e2e-partner`);
    await shot('client-created-secret-once');

    const response = await token('e2e-partner', clientSecret);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scope: string }).scope).toBe('orders:read orders:write');

    // Shown once: after a reload the page has no secret.
    await page.reload();
    await page.getByRole('heading', { name: 'Client E2E partner' }).waitFor();
    expect(await page.getByTestId('secret-value').count()).toBe(0);
    expect(await page.content()).not.toContain(clientSecret);
  });

  it('shows a field error from the server next to the field', async () => {
    const lifetime = page.getByLabel('Access-token lifetime (seconds)');
    await lifetime.fill('100000000');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => lifetime.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await lifetime.getAttribute('aria-describedby')) ?? '';
    const errorText = await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent();
    // Checked in the browser against the server's maximum token lifetime (or the hard maximum) before it is sent.
    expect(errorText).toMatch(/0 to 99999999|99,?999,?999|0 to 86,?400/);
    await shot('client-field-error');
    await lifetime.fill('7200');
  });

  it('disables the client in the console, and the next token request is refused', async () => {
    await page.getByLabel('Enabled', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes saved');
    const refused = await token('e2e-partner', clientSecret);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_client');

    await page.goto(`${server.url}/admin/clients`);
    const row = page.getByRole('row', { name: /E2E partner/ });
    await expect.poll(() => row.textContent()).toContain('Disabled');
    expect(await row.textContent()).toContain('client_credentials');
    await shot('clients-list');
  });

  it('rotates the secret: the new one works, the old one stops', async () => {
    await page.getByRole('link', { name: 'E2E partner' }).click();
    await page.getByRole('heading', { name: 'Client E2E partner' }).waitFor();
    expect(await page.getByLabel('Enabled', { exact: true }).isChecked()).toBe(false);
    await page.getByLabel('Enabled', { exact: true }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes saved');
    await page.getByLabel('Grace period (seconds)').fill('0');
    const rotation = answerConfirmation(page, true);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    expect(await rotation).toContain('stops working at once');
    const secretField = page.getByTestId('secret-value');
    await secretField.waitFor();
    const rotated = await secretField.inputValue();
    expect(rotated).not.toBe(clientSecret);
    expect((await token('e2e-partner', rotated)).status).toBe(200);
    expect((await token('e2e-partner', clientSecret)).status).toBe(401);
    await page.getByRole('button', { name: 'I have stored it' }).click();
  });

  it('generates a key pair and downloads the private key once', async () => {
    await page.getByLabel('Algorithm of the new pair').selectOption('ES256');
    await page.getByRole('button', { name: 'Generate key pair' }).click();
    const link = page.getByRole('link', { name: 'Download private key' });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const pem = readFileSync(await download.path(), 'utf8');
    expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(download.suggestedFilename()).toMatch(/^e2e-partner-.+\.pem$/);
    const keys = (await (await server.admin('GET', '/clients/e2e-partner/keys')).json()) as { keys: { kid: string; d?: string }[] };
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]!.d).toBeUndefined();
    expect(await page.getByRole('button', { name: `Remove key ${keys.keys[0]!.kid}` }).count()).toBe(1);
    await shot('client-edit-keys');
    // A narrow window: the first screen (navigation, first fields) and the whole page.
    await page.setViewportSize({ width: 420, height: 860 });
    await page.evaluate('window.scrollTo(0, 0)');
    if (store === 'sqlite') await page.screenshot({ path: join(SCREENSHOTS, 'client-edit-narrow-top.png') });
    await shot('client-edit-narrow');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('adds and disables a user', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Username', { exact: true }).fill('erika');
    await page.getByLabel('Password', { exact: true }).fill('erika-password-1');
    await page.getByLabel('Display name', { exact: true }).fill('Erika Example');
    await page.getByRole('button', { name: 'Add user', exact: true }).last().click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('User erika added');
    const disabling = answerConfirmation(page, true);
    await page.getByRole('button', { name: 'Disable erika' }).click();
    await disabling;
    await expect.poll(() => page.getByRole('row', { name: /erika/ }).textContent()).toContain('Disabled');
    await shot('users');
  });

  it('shows applications, signing keys (rotating one) and settings', async () => {
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: /^demo/ }).waitFor();
    expect(await page.getByText('/api/apps/demo/commands/echo').count()).toBe(1);
    await shot('applications');

    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    // The access-token key (ES256) and the RS256 key of ID tokens; a rotation adds one of each.
    await page.getByText('active', { exact: true }).first().waitFor();
    expect(await page.getByText('active', { exact: true }).count()).toBe(2);
    const before = await page.getByRole('row').count();
    await page.getByLabel('Activation delay (seconds)').fill('600');
    const rotation = answerConfirmation(page, true);
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await rotation;
    await expect.poll(() => page.getByRole('row').count()).toBe(before + 2);
    expect(await page.getByText('next', { exact: true }).count()).toBe(2);
    await shot('signing-keys');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Token header name').fill('X-E2E-Token');
    await page.getByRole('button', { name: 'Save token delivery' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('saved');
    expect(((await (await server.admin('GET', '/settings/token-delivery')).json()) as { header_name: string }).header_name).toBe('X-E2E-Token');
    await shot('settings');
  });

  it("edits a security profile's mapping, exports it as the CLI's JSON and imports one", async () => {
    await page.getByRole('link', { name: 'Security profiles' }).click();
    await page.getByLabel('Profile name').fill('partners');
    await page.getByRole('button', { name: 'Add profile' }).click();
    await page.getByRole('heading', { name: 'Profile partners' }).waitFor();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Scope element 1').fill('orders:write');
    await page.getByLabel('Checks for element 1').fill('AllowedNetwork');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Scope element 2').fill('reports');
    const mandatory = page.getByLabel('Mandatory scope');
    await mandatory.fill('audit:trail');
    await mandatory.press('Enter');
    await page.getByLabel('Maximum token lifetime (seconds)').fill('1800');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Profile partners saved');
    const saved = (await (await server.admin('GET', '/profiles/partners')).json()) as Record<string, unknown>;
    expect(saved).toMatchObject({ scope_element_mapping: { 'orders:write': ['AllowedNetwork'], reports: [] }, mandatory_scope: ['audit:trail'], max_token_expiration: 1800 });

    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(JSON.parse(readFileSync(await exported.path(), 'utf8'))).toEqual({
      name: 'partners',
      max_token_expiration: 1800,
      scope_element_mapping: { 'orders:write': ['AllowedNetwork'], reports: [] },
      mandatory_scope: ['audit:trail'],
      default_scope: null,
      registration_checks: [],
    });
    await shot('security-profiles');

    await page.getByLabel('Profile JSON (the file of gatehouse profiles pull)').fill(JSON.stringify({ name: 'imported', maxTokenExpiration: 600, scopeElementMapping: { users: 'PinCode' } }));
    await page.getByRole('button', { name: 'Import profile' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Profile imported created');
    expect((await (await server.admin('GET', '/profiles/imported')).json()) as Record<string, unknown>).toMatchObject({ max_token_expiration: 600, scope_element_mapping: { users: ['PinCode'] } });

    // The client form offers the profiles.
    await page.goto(`${server.url}/admin/clients/e2e-partner`);
    await page.getByLabel('Security profile').selectOption('partners');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes saved');
    expect(((await (await server.admin('GET', '/clients/e2e-partner')).json()) as { profile: string }).profile).toBe('partners');
  });

  it('finds the changes and the refused token requests in the audit log', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Client ID').fill('e2e-partner');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.locator('table.audit-table');
    await expect.poll(() => table.textContent()).toContain('client.rotate_secret');
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('client.create');
    expect(text).toContain('client.update');
    expect(text).toContain('token.refused');
    expect(text).toContain('client.add_key');
    expect(text).not.toContain(clientSecret);
    const updateRow = page.getByRole('row', { name: /client\.update/ }).first();
    expect(await updateRow.textContent()).toContain('admin');

    await page.getByLabel('Client ID').fill('');
    await page.getByLabel('Action').fill('profile.update');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => table.textContent()).toContain('partners');
    await page.getByLabel('Action').fill('');
    await page.getByLabel('Client ID').fill('e2e-partner');

    await page.getByLabel('Outcome').selectOption('failure');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => table.textContent()).toContain('invalid_client');
    expect(await table.textContent()).not.toContain('client.create');
    await shot('audit-log');

    // Issued tokens: their grant, subject, scope and jti, never the token.
    await page.getByLabel('Outcome').selectOption('');
    await page.getByLabel('Grant type').selectOption('client_credentials');
    await page.getByLabel('Subject').fill('e2e-partner');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => table.textContent()).toContain('token.issued');
    const issued = (await table.textContent()) ?? '';
    expect(issued).not.toContain('client.create');
    expect(issued).not.toContain('token.refused');
    expect(issued).toContain('orders:read orders:write');
    const { events } = (await (await server.admin('GET', '/audit?action=token.issued&client_id=e2e-partner')).json()) as { events: { jti: string }[] };
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(issued).toContain(event.jti);
    await shot('audit-log-issued-tokens');
  });

  it('signs out: the session cookie no longer works', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await page.request.get(`${server.url}/admin/api/clients`)).status()).toBe(401);
  });

  it('works from the keyboard alone, with a visible focus', async () => {
    const focused = () =>
      page.evaluate<{ tag: string; name: string | null; text: string; outline: string; width: number }>(`(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      return { tag: element.tagName, name: element.getAttribute('name'), text: element.textContent, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    })()`);
    // The username field has the focus when the page opens.
    expect(await focused()).toMatchObject({ tag: 'INPUT', name: 'username' });
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    expect((await focused()).name).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    // Back on the page it was on when the session ended.
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    // First Tab: the skip link, then the sections; each focused control shows an outline.
    await page.keyboard.press('Tab');
    const skip = await focused();
    expect(skip.text).toBe('Skip to content');
    expect(skip.outline).not.toBe('none');
    expect(skip.width).toBeGreaterThanOrEqual(2);
    let guard = 0;
    while ((await focused()).text !== 'Users' && guard++ < 10) await page.keyboard.press('Tab');
    expect((await focused()).outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(problems).toEqual([]);
  });
});
