import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { sdkBrowserBundle } from '../helpers/sdk-bundle.js';
import type * as ClientSdk from '../../src/client-sdk/index.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface BrowserResult {
  scopes: string[];
  cached: boolean;
  tokenRequests: number;
  assertionAud: string;
  users: number;
  secretClientId: string;
  wrongSecret: { name: string; error: string; status: number };
}

// The SDK in a real browser (Debian's Chromium): the bundle and a page are served at Gatehouse's own origin
// (the token endpoint answers no CORS), so the page's fetches reach the real server. SQLite only: the store
// is not what this test is about (the same flows run on both stores in test/http/client-sdk.test.ts).
describe('client SDK in Chromium against a real server', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let bundle: string;
  const pageMessages: string[] = [];

  beforeAll(async () => {
    [server, bundle] = await Promise.all([startTestServer({ store: 'sqlite' }), sdkBrowserBundle()]);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageMessages.push(error.message));
    page.on('console', (message) => pageMessages.push(`console: ${message.text()}`));
    await page.route(`${server.url}/sdk/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/sdk/gatehouse-client.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
      return route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><script type="module">import * as sdk from "/sdk/gatehouse-client.js"; window.gatehouseSdk = sdk; document.title = "ready";</script>',
      });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs private_key_jwt assertions with WebCrypto, caches tokens and upgrades the scope on 403', async () => {
    const app = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', scope: 'read users' });
    const key = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const secretClient = await server.createClient({ scope: 'read' });

    await page.goto(`${server.url}/sdk/index.html`);
    await page
      .waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'ready', undefined, { timeout: 20_000 })
      .catch((error: unknown) => {
        throw new Error(`the SDK did not load: ${String(error)} ${pageMessages.join('; ')}`);
      });
    expect(await page.evaluate(() => typeof (globalThis as { Buffer?: unknown }).Buffer)).toBe('undefined');

    // Bounded: a browser login prompt (a 401 with WWW-Authenticate: Basic fetched with credentials) would hang the page.
    const inPage = page.evaluate(
      async ({ issuer, clientId, pem, kid, secretClientId, secret }) => {
        const sdk = (globalThis as unknown as { gatehouseSdk: typeof ClientSdk }).gatehouseSdk;
        const seen: { url: string; body: string }[] = [];
        const recording: typeof fetch = (input, init) => {
          seen.push({ url: String(input instanceof Request ? input.url : input), body: typeof init?.body === 'string' ? init.body : '' });
          return fetch(input, init);
        };
        const client = new sdk.GatehouseClient({ issuer, credentials: { clientId, privateKey: pem, kid }, scope: 'read', fetch: recording });
        const first = await client.getToken();
        const cached = (await client.getToken('read')) === first;
        const response = await client.request(`${issuer}/api/users`);
        const users = ((await response.json()) as { users: unknown[] }).users.length;
        const tokenCalls = seen.filter((call) => call.url.endsWith('/oauth/token'));
        const scopes = tokenCalls.map((call) => new URLSearchParams(call.body).get('scope') ?? '');
        const assertion = new URLSearchParams(tokenCalls[0]?.body ?? '').get('client_assertion') ?? '';
        const assertionAud = (JSON.parse(atob((assertion.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { aud: string }).aud;

        const withSecret = new sdk.GatehouseClient({ issuer, credentials: { clientId: secretClientId, clientSecret: secret } });
        const secretToken = await withSecret.getToken('read');
        const secretClaims = JSON.parse(atob((secretToken.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { client_id: string };
        const wrong = new sdk.GatehouseClient({ issuer, credentials: { clientId: secretClientId, clientSecret: 'not it' } });
        const failure = (await wrong.getToken('read').catch((error: unknown) => error)) as { name: string; error: string; status: number };
        return {
          scopes,
          cached,
          tokenRequests: tokenCalls.length,
          assertionAud,
          users: users,
          secretClientId: secretClaims.client_id,
          wrongSecret: { name: failure.name, error: failure.error, status: failure.status },
        };
      },
      { issuer: server.url, clientId: app.client_id, pem: key.private_key_pem, kid: key.key.kid, secretClientId: secretClient.client_id, secret: secretClient.client_secret },
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = await Promise.race([
      inPage,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the page did not finish within 30 s: ${pageMessages.join('; ')}`)), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(result).toEqual<BrowserResult>({
      scopes: ['read', 'users'],
      cached: true,
      tokenRequests: 2,
      assertionAud: `${server.url}/oauth/token`,
      users: 0,
      secretClientId: secretClient.client_id,
      wrongSecret: { name: 'GatehouseOAuthError', error: 'invalid_client', status: 401 },
    });
  });
});
