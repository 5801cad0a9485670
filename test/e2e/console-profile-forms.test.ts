import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-profile-forms-password';
const PHONE = { width: 375, height: 800 };
const DESKTOP = { width: 1280, height: 860 };

/**
 * Issue 21 on the security profile, branding and settings pages in Chromium: every invalid field marked at
 * once, the import box's leave question, and edits kept across an expired session.
 */
describe.each(STORES)('console profile and branding forms in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const leave = () => page.getByRole('dialog', { name: 'Leave without saving?' });

  const shot = async (name: string) => {
    if (store !== 'sqlite') return;
    await page.screenshot({ path: join(SCREENSHOTS, `profile-forms-${name}.png`), fullPage: true });
  };
  const shots = async (name: string) => {
    await shot(`${name}-desktop`);
    await page.setViewportSize(PHONE);
    await shot(`${name}-375`);
    expect(await page.evaluate<number>('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(DESKTOP);
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
  const openMobile = async () => {
    await open('/profiles', 'Security profiles');
    await page.getByRole('button', { name: 'mobile', exact: true }).click();
    await page.getByRole('heading', { name: 'Profile mobile' }).waitFor();
  };
  /** The console's session ends on the server, as if it expired. */
  const endSession = async () => {
    const session = (await (await page.request.get(`${server.url}/admin/api/session`)).json()) as { csrf_token: string };
    expect((await page.request.delete(`${server.url}/admin/api/session`, { headers: { 'x-csrf-token': session.csrf_token } })).status()).toBe(204);
  };
  /** Records the admin API requests with a body (PATCH, PUT, POST) while `work` runs. */
  const sentDuring = async (work: () => Promise<void>): Promise<string[]> => {
    const sent: string[] = [];
    const listen = (request: { method(): string; url(): string }) => {
      if (['PATCH', 'PUT', 'POST'].includes(request.method()) && request.url().includes('/admin/api/')) sent.push(`${request.method()} ${request.url()}`);
    };
    page.on('request', listen);
    try {
      await work();
    } finally {
      page.off('request', listen);
    }
    return sent;
  };
  const profileJson = async (name: string) => (await (await server.admin('GET', `/profiles/${name}`)).json()) as { max_token_expiration: number; mandatory_scope: string[] };
  const addChip = async (label: string, value: string) => {
    await page.getByLabel(label, { exact: true }).fill(value);
    await page.getByLabel(label, { exact: true }).press('Enter');
  };

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD } });
    expect((await server.admin('POST', '/profiles', { name: 'mobile', max_token_expiration: 900, scope_element_mapping: { payments: ['PinCode'] } })).status).toBe(201);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
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

  it('marks every invalid field of the profile editor at once, before sending anything', async () => {
    await openMobile();
    await page.getByLabel('Maximum token lifetime (seconds)').fill('0');
    await page.getByLabel('Checks for element 1').fill('PinCode, bad/check');
    await addChip('Mandatory scope', 'bad"scope');
    await addChip('Registration checks', 'x/y');
    const form = page.getByRole('form', { name: 'Settings of mobile' });
    const sent = await sentDuring(async () => {
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => form.locator('.field-error').count()).toBe(4);
    });
    expect(sent).toEqual([]);
    const errors = (await form.locator('.field-error').allTextContents()).join('\n');
    // The server's own message (parseProfileBody runs in the browser).
    expect(errors).toContain('must be an integer from 1 to 99999999 (seconds)');
    expect(errors).toContain("payments: 'bad/check' is not a check name");
    expect(errors).toContain(`'bad"scope' is not a valid scope element`);
    expect(errors).toContain("'x/y' is not a check name");
    expect(await page.getByLabel('Maximum token lifetime (seconds)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Mandatory scope', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Registration checks', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').first().textContent()).toContain('4 fields need a change');
    await shots('profile-errors');
    expect((await profileJson('mobile')).max_token_expiration).toBe(900);
  });

  it('marks each field the server refuses: checks that do not exist, in the mapping and the registration checks', async () => {
    await page.getByLabel('Maximum token lifetime (seconds)').fill('600');
    await page.getByLabel('Checks for element 1').fill('NoSuchCheck');
    await page.getByRole('button', { name: 'Remove scope bad"scope' }).click();
    await page.getByRole('button', { name: 'Remove scope x/y' }).click();
    await addChip('Registration checks', 'NoHook');
    const form = page.getByRole('form', { name: 'Settings of mobile' });
    const sent = await sentDuring(async () => {
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => form.locator('.field-error').count()).toBe(2);
    });
    expect(sent).toHaveLength(1);
    const errors = (await form.locator('.field-error').allTextContents()).join('\n');
    expect(errors).toContain('no security check named NoSuchCheck');
    expect(errors).toContain('no security check with a register hook named NoHook');
    expect(await page.getByRole('alert').first().textContent()).toContain('2 fields need a change');
    expect((await profileJson('mobile')).max_token_expiration).toBe(900);
    // Leaving asks (the edit is unsaved); leave.
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await leave().getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
  });

  it('asks before leaving the import box with text that was not imported, and lists every refused key beside it', async () => {
    await open('/profiles', 'Security profiles');
    const box = page.getByLabel('Profile JSON (the file of gatehouse profiles pull)');
    await box.fill(JSON.stringify({ name: 'imported', maxTokenExpiration: -1, mandatoryScope: 'a', mandatory_scope: 'b', registration_checks: 'x/y' }));
    await page.getByRole('button', { name: 'Import profile' }).click();
    const error = page.locator('.field-error', { hasText: 'Not imported' });
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('maxTokenExpiration: must be an integer from 1 to 99999999 (seconds)');
    expect(text).toContain("mandatory_scope: given twice, as 'mandatoryScope' and 'mandatory_scope'");
    expect(text).toContain("registration_checks: 'x/y' is not a check name");
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    await shots('import-errors');

    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await leave().waitFor();
    await shot('import-leave-dialog');
    await leave().getByRole('button', { name: 'Stay on this page' }).click();
    await leave().waitFor({ state: 'hidden' });
    expect(page.url()).toBe(`${server.url}/admin/profiles`);
    expect(await box.inputValue()).toContain('"name":"imported"');

    // Imported: the box is empty and nothing asks.
    await box.fill(JSON.stringify({ name: 'imported', max_token_expiration: 120 }));
    await page.getByRole('button', { name: 'Import profile' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Profile imported created from the file');
    expect(await box.inputValue()).toBe('');
    expect((await profileJson('imported')).max_token_expiration).toBe(120);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(await leave().count()).toBe(0);
  });

  it('marks both bad branding values at once, before sending', async () => {
    await open('/branding', 'Branding');
    await page.getByLabel('Product name').fill('');
    await page.getByLabel('Primary colour').fill('blue');
    const sent = await sentDuring(async () => {
      await page.getByRole('button', { name: 'Save branding' }).click();
      await expect.poll(() => page.locator('.field-error').count()).toBe(2);
    });
    expect(sent).toEqual([]);
    const errors = (await page.locator('.field-error').allTextContents()).join('\n');
    expect(errors).toContain('must be 1 to 100 characters without control characters');
    expect(errors).toContain('must be a colour #rrggbb');
    for (const label of ['Product name', 'Primary colour']) expect(await page.getByLabel(label).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').first().textContent()).toContain('2 fields need a change');
    await shots('branding-errors');
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await leave().getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
  });

  it("keeps the profile editor's and the import box's edits across an expired session, and restores them after signing in", async () => {
    await openMobile();
    await page.getByLabel('Maximum token lifetime (seconds)').fill('777');
    const importText = JSON.stringify({ name: 'later', max_token_expiration: 300 });
    await page.getByLabel('Profile JSON (the file of gatehouse profiles pull)').fill(importText);
    await endSession();
    await page.getByRole('button', { name: 'Save profile' }).click();

    await page.getByRole('heading', { name: 'Gatehouse console' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('your unsaved changes are kept');
    const kept = await page.evaluate<string>('JSON.stringify(Object.entries(sessionStorage))');
    expect(kept).toContain('777');
    expect(kept).toContain('later');
    expect(kept).not.toContain(PASSWORD);
    await shots('session-expired');

    await signIn();
    await page.getByRole('heading', { name: 'Profile mobile' }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin/profiles`);
    await expect.poll(() => page.getByLabel('Maximum token lifetime (seconds)').inputValue()).toBe('777');
    expect(await page.getByLabel('Profile JSON (the file of gatehouse profiles pull)').inputValue()).toBe(importText);
    expect(await page.getByText('Your unsaved changes to this profile from before the session expired are back').count()).toBe(1);
    expect(await page.getByText('The profile JSON you had not imported before the session expired is back').count()).toBe(1);
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await shots('profile-restored');

    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Profile mobile saved');
    await expect.poll(async () => (await profileJson('mobile')).max_token_expiration).toBe(777);
    await page.getByRole('button', { name: 'Import profile' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Profile later created from the file');
  });

  it("keeps the branding form's edit across an expired session and restores it after signing in", async () => {
    await open('/branding', 'Branding');
    await page.getByLabel('Product name').fill('Kept Corp');
    await page.getByLabel('Primary colour').fill('#aa0000');
    await endSession();
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByRole('heading', { name: 'Gatehouse console' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('your unsaved changes are kept');
    await signIn();
    await page.getByRole('heading', { name: 'Branding', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Product name').inputValue()).toBe('Kept Corp');
    expect(await page.getByLabel('Primary colour').inputValue()).toBe('#aa0000');
    expect(await page.getByText('Your unsaved branding changes from before the session expired are back').count()).toBe(1);
    await shots('branding-restored');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Branding saved');
    expect(await (await server.admin('GET', '/branding')).json()).toMatchObject({ product_name: 'Kept Corp', primary_colour: '#aa0000' });
  });

  it('marks every invalid token delivery field before sending, and keeps the settings across an expired session', async () => {
    await open('/settings', 'Settings');
    await page.getByLabel('Cookie name').fill('has space');
    await page.getByLabel('Token header name').fill('Authorization');
    const sent = await sentDuring(async () => {
      await page.getByRole('button', { name: 'Save token delivery' }).click();
      await expect.poll(() => page.locator('.field-error').count()).toBe(2);
    });
    expect(sent).toEqual([]);
    expect(await page.getByRole('alert').first().textContent()).toContain('2 fields need a change');
    for (const label of ['Cookie name', 'Token header name']) expect(await page.getByLabel(label).getAttribute('aria-invalid')).toBe('true');
    await shots('settings-errors');

    await page.getByLabel('Cookie name').fill('kept_cookie');
    await page.getByLabel('Token header name').fill('X-Kept-Token');
    await endSession();
    await page.getByRole('button', { name: 'Save token delivery' }).click();
    await page.getByRole('heading', { name: 'Gatehouse console' }).waitFor();
    await signIn();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Cookie name').inputValue()).toBe('kept_cookie');
    expect(await page.getByLabel('Token header name').inputValue()).toBe('X-Kept-Token');
    expect(await page.getByText('Your unsaved token delivery changes from before the session expired are back').count()).toBe(1);
    await page.getByRole('button', { name: 'Save token delivery' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Token delivery settings saved');
    expect(problems).toEqual([]);
  });
});
