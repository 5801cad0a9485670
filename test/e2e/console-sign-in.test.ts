import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserAgent, formsOf, pkcePair } from '../helpers/browser-agent.js';
import { answerConfirmation, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-console-sign-in-password';
const USER_PASSWORD = 'alice password 1';
const REDIRECT_URI = 'https://reports.example/callback';

/**
 * The console's side of browser sign-in, in real headless Chromium against a real Gatehouse: public
 * clients with redirect URIs, and the server's refusal of a redirect URI shown next to its field; the
 * sessions and consents that people's sign-ins through the hosted pages leave, ended and withdrawn in the
 * console; the pages' branding.
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
    // Nothing but a table's own scroll area is wider than the phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  };
  /** What the browser of a person (a cookie-keeping agent) gets from /oauth/authorize for the reports client. */
  const authorize = (agent: BrowserAgent) =>
    agent.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'e2e-reports', redirect_uri: REDIRECT_URI, scope: 'reports', state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString()}`,
    );
  /** Alice signs in through the hosted pages (and allows the client when asked): a browser session, and a consent. */
  async function signInAlice(agent: BrowserAgent): Promise<void> {
    const start = await authorize(agent);
    expect(start.status).toBe(303);
    const pageUrl = start.headers.get('location')!;
    const csrf = formsOf(await (await agent.get(pageUrl)).text()).inputs.get('csrf')!;
    let answer = await agent.post(pageUrl, { csrf, step: 'sign-in', username: 'alice', password: USER_PASSWORD });
    if (answer.status === 200) answer = await agent.post(pageUrl, { csrf, step: 'consent', decision: 'allow' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toMatch(new RegExp(`^${REDIRECT_URI}\\?code=`));
  }
  /** Accepts (or dismisses) the next confirmation dialog, and gives its message. */
  const nextDialog = (accept: boolean) => answerConfirmation(page, accept);
  const clientJson = async (clientId: string) => (await (await server.admin('GET', `/clients/${clientId}`)).json()) as Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD } });
    expect((await server.admin('POST', '/users', { username: 'alice', password: USER_PASSWORD })).status).toBe(201);
    await server.createClient({
      client_id: 'e2e-reports',
      client_name: 'Reports app',
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
      scope: 'reports',
    });
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
    // The console opens on the overview; these tests start from the clients list.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Clients' }).click();
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

  it('sets, changes and clears the PIN of the PinCode check, with the refusal of a short PIN beside its field', async () => {
    await page.goto(`${server.url}/admin/clients/e2e-reports`);
    await page.getByRole('heading', { name: 'PIN for the PinCode check' }).waitFor();
    const state = page.getByTestId('pin-state');
    await expect.poll(() => state.textContent()).toBe('PIN: not set');
    expect(await page.getByRole('button', { name: 'Clear PIN' }).count()).toBe(0);

    const pinField = page.getByLabel('PIN', { exact: true });
    expect(await pinField.getAttribute('type')).toBe('password');
    await pinField.fill('12');
    await page.getByRole('button', { name: 'Set PIN' }).click();
    await expect.poll(() => pinField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await pinField.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()).toContain('must be 4 to 64 visible ASCII characters');
    expect((await clientJson('e2e-reports')).pin_set).toBe(false);

    await pinField.fill('4321');
    await page.getByRole('button', { name: 'Set PIN' }).click();
    await expect.poll(() => state.textContent()).toBe('PIN: set');
    expect((await clientJson('e2e-reports')).pin_set).toBe(true);
    await shot('client-pin-set');

    await page.getByLabel('New PIN', { exact: true }).fill('98765');
    await page.getByRole('button', { name: 'Change PIN' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('PIN changed');

    // Dismissing the confirmation keeps the PIN; accepting clears it.
    const dismissed = nextDialog(false);
    await page.getByRole('button', { name: 'Clear PIN' }).click();
    expect(await dismissed).toContain('Clear the PIN of e2e-reports?');
    expect((await clientJson('e2e-reports')).pin_set).toBe(true);
    const confirmed = nextDialog(true);
    await page.getByRole('button', { name: 'Clear PIN' }).click();
    await confirmed;
    await expect.poll(() => state.textContent()).toBe('PIN: not set');
    expect((await clientJson('e2e-reports')).pin_set).toBe(false);
    expect(problems).toEqual([]);
  });

  it('lists the sessions of sign-ins through the hosted pages and ends one, after a confirmation', async () => {
    const first = new BrowserAgent(server.url);
    const second = new BrowserAgent(server.url);
    await signInAlice(first);
    await signInAlice(second);
    // Signed in: the next authorization request is answered at once, from the session.
    expect((await authorize(first)).headers.get('location')).toMatch(new RegExp(`^${REDIRECT_URI}`));

    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    const rows = page.getByRole('row', { name: /alice/ });
    await expect.poll(() => rows.count()).toBe(2);
    const row = (await rows.first().textContent()) ?? '';
    expect(row).toContain('pwd');
    expect(row).toContain('127.0.0.1');
    for (const heading of ['User', 'Created', 'Last seen', 'Expires']) expect(await page.getByRole('columnheader', { name: heading, exact: true }).count()).toBe(1);
    await shot('sessions');

    // Cancelled: nothing ends.
    const ending = page.getByRole('button', { name: /^End the session of alice/ });
    const cancelled = nextDialog(false);
    await ending.first().click();
    expect(await cancelled).toContain('End this session of alice?');
    expect(((await (await server.admin('GET', '/sessions')).json()) as { total: number }).total).toBe(2);

    const confirmed = nextDialog(true);
    await ending.first().click();
    await confirmed;
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Session of alice ended');
    await expect.poll(() => rows.count()).toBe(1);
    expect(((await (await server.admin('GET', '/sessions')).json()) as { total: number }).total).toBe(1);
    // The ended session no longer signs its browser in: one of the two is sent to the sign-in page.
    const locations = await Promise.all([first, second].map(async (agent) => (await authorize(agent)).headers.get('location') ?? ''));
    expect(locations.filter((location) => location.startsWith(`${server.url}/sign-in/`))).toHaveLength(1);

    // Every session of one user, reached from the users list.
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('link', { name: 'Sessions of alice' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    expect(await page.getByLabel('User', { exact: true }).inputValue()).toBe('alice');
    expect(page.url()).toBe(`${server.url}/admin/sessions?user=alice`);
    const all = nextDialog(true);
    await page.getByRole('button', { name: 'End all sessions of alice' }).click();
    expect(await all).toContain('End every session of alice?');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('1 session of alice ended');
    await expect.poll(() => page.getByText('No live session of alice.').count()).toBe(1);
    for (const agent of [first, second]) expect((await authorize(agent)).headers.get('location')).toMatch(new RegExp(`^${server.url}/sign-in/`));
  });

  it('lists consents and withdraws one, after which the application asks again', async () => {
    await page.getByRole('link', { name: 'Consents', exact: true }).click();
    await page.getByRole('heading', { name: 'Consents' }).waitFor();
    const row = page.getByRole('row', { name: /alice/ });
    await expect.poll(() => row.textContent()).toContain('Reports app');
    expect(await row.textContent()).toContain('reports');
    await shot('consents');

    const withdrawn = nextDialog(true);
    await page.getByRole('button', { name: 'Withdraw the consent of alice to Reports app' }).click();
    expect(await withdrawn).toContain('Withdraw the consent of alice to Reports app?');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Consent of alice to Reports app withdrawn');
    await expect.poll(() => page.getByText('No consents.').count()).toBe(1);
    expect(((await (await server.admin('GET', '/consents')).json()) as { total: number }).total).toBe(0);

    // Signed in again, alice is asked again.
    const agent = new BrowserAgent(server.url);
    const pageUrl = (await authorize(agent)).headers.get('location')!;
    const csrf = formsOf(await (await agent.get(pageUrl)).text()).inputs.get('csrf')!;
    const signedIn = await agent.post(pageUrl, { csrf, step: 'sign-in', username: 'alice', password: USER_PASSWORD });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toContain('name="decision"');
  });

  it('edits the branding with a preview, refuses a bad colour beside its field, and saves it', async () => {
    await page.getByRole('link', { name: 'Branding', exact: true }).click();
    await page.getByRole('heading', { name: 'Branding' }).waitFor();
    expect(await page.getByLabel('Product name').inputValue()).toBe('Gatehouse');
    await page.getByLabel('Product name').fill('Example Corp');
    await page.getByLabel('Logo URL').fill('https://cdn.example.com/logo.svg');
    const primary = page.getByLabel('Primary colour');
    await primary.fill('#AA3300');
    await page.getByLabel('Background colour').fill('#102030');
    const backgroundOf = (testId: string) => page.evaluate<string>(`getComputedStyle(document.querySelector('[data-testid="${testId}"]')).backgroundColor`);
    await expect.poll(() => backgroundOf('primary_colour-swatch')).toBe('rgb(170, 51, 0)');
    expect(await backgroundOf('branding-preview')).toBe('rgb(16, 32, 48)');
    // Light text on the dark background, as the pages choose it.
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('[data-testid="branding-preview"]')).color`)).toBe('rgb(255, 255, 255)');
    expect(await page.getByTestId('branding-preview').textContent()).toContain('Example Corp');

    await primary.fill('red');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(() => primary.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await primary.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()).toContain('#rrggbb');
    await shot('branding-error');

    await primary.fill('#AA3300');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Branding saved');
    expect(await (await server.admin('GET', '/branding')).json()).toEqual({
      product_name: 'Example Corp',
      logo_url: 'https://cdn.example.com/logo.svg',
      primary_colour: '#aa3300',
      background_colour: '#102030',
    });
    await shot('branding');

    expect(problems).toEqual([]);
  });
});
