import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-overview-password';

/** The overview (charts of the audit log) and the audit log's filters in the address, in Chromium. */
describe.each(STORES)('console overview and audit filters in Chromium on %s', (store) => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const shot = async (name: string) => {
    if (store !== 'sqlite') return;
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 760 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  };
  const tableText = () => page.locator('table.audit-table').textContent();

  beforeAll(async () => {
    server = await startTestServer({ store, config: { adminPassword: PASSWORD } });
    const client = await server.createClient({ client_id: 'chart-partner', client_name: 'Chart partner', scope: 'read' });
    for (let index = 0; index < 4; index++) {
      const issued = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
      expect(issued.status).toBe(200);
    }
    const refused = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, 'not the secret') });
    expect(refused.status).toBe(401);
    await server.gatehouse.audit.flush();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('bundles the chart library with the overview only', () => {
    const assets = join(ROOT, 'dist', 'console', 'assets');
    const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
    const withCharts = scripts.filter((name) => readFileSync(join(assets, name), 'utf8').includes('u-legend'));
    expect(withCharts).toHaveLength(1);
    expect(withCharts[0]).toMatch(/^Overview-/);
  });

  it('lands on the overview: charts on canvas, their text equivalents, empty states and health', async () => {
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/overview');
    const tokens = page.locator('section.overview-card', { has: page.getByRole('heading', { name: 'Tokens issued by grant type' }) });
    await tokens.locator('canvas').first().waitFor();
    expect(await tokens.locator('.overview-summary').textContent()).toBe('4 tokens issued in the last hour (per minute below): client_credentials 4.');
    expect(await tokens.getByRole('table').textContent()).toContain('client_credentials');
    const refusals = page.locator('section.overview-card', { has: page.getByRole('heading', { name: 'Refusals by reason' }) });
    expect(await refusals.textContent()).toContain('invalid_client');
    const clients = page.locator('section.overview-card', { has: page.getByRole('heading', { name: 'Busiest clients' }) });
    expect(await clients.getByRole('row', { name: /chart-partner/ }).textContent()).toMatch(/chart-partner\s*41/);
    expect(await page.locator('section.overview-card', { has: page.getByRole('heading', { name: 'Sign-in failures' }) }).textContent()).toContain('No failed sign-ins in this window.');
    const health = page.locator('section.overview-card', { has: page.getByRole('heading', { name: 'Health' }) });
    expect(await health.textContent()).toContain('answers');
    expect(await health.textContent()).toContain(store === 'postgres' ? 'listens for changes' : 'polls the store');
    await shot('overview');

    // At a phone's width nothing is cut off: the page scrolls down, not sideways.
    await page.setViewportSize({ width: 375, height: 760 });
    await expect.poll(() => page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 860 });

    await page.getByRole('button', { name: 'Last day' }).click();
    await expect.poll(() => tokens.locator('.overview-summary').textContent()).toContain('in the last day (per 15 minutes below)');
    expect(new URL(page.url()).search).toBe('?window=day');
  });

  it('keeps the audit filters in the address: reload and back restore them', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    // The action field offers the catalogue's actions and prefixes.
    const offered = await page.evaluate<string[]>(`[...document.querySelectorAll('datalist option')].map((option) => option.value)`);
    expect(offered).toEqual(expect.arrayContaining(['token.', 'client.', 'token.issued', 'client.create']));
    await page.getByLabel('Action').fill('token.');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('token.');
    await expect.poll(tableText).toContain('token.refused');
    expect(await tableText()).toContain('token.issued');
    expect(await tableText()).not.toContain('client.create');

    await page.getByLabel('Outcome').selectOption('failure');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('outcome')).toBe('failure');
    await expect.poll(tableText).not.toContain('token.issued');

    await page.reload();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.getByLabel('Action').inputValue()).toBe('token.');
    expect(await page.getByLabel('Outcome').inputValue()).toBe('failure');
    await expect.poll(tableText).toContain('token.refused');
    expect(await tableText()).not.toContain('token.issued');
    await shot('audit-log-filtered');

    await page.goBack();
    await expect.poll(() => page.getByLabel('Outcome').inputValue()).toBe('');
    expect(await page.getByLabel('Action').inputValue()).toBe('token.');
    await expect.poll(tableText).toContain('token.issued');
  });

  it('downloads the filtered events as CSV and NDJSON', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^gatehouse-audit-.*\.csv$/);
    const lines = readFileSync(await csv.path(), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,outcome,status,reason,client_id,source_address,grant_type,subject,scope,jti,expires_at');
    expect(lines).toHaveLength(6);
    expect(lines.slice(1).every((line) => line.includes(',token.'))).toBe(true);
    const [ndjson] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export NDJSON' }).click()]);
    const events = readFileSync(await ndjson.path(), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string });
    expect(events.map((event) => event.action).sort()).toEqual(['token.issued', 'token.issued', 'token.issued', 'token.issued', 'token.refused']);
  });

  it('keeps the clients search in the address', async () => {
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByLabel('Search by name or client ID').fill('chart');
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe('chart');
    await page.reload();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    expect(await page.getByLabel('Search by name or client ID').inputValue()).toBe('chart');
    await expect.poll(() => page.getByRole('row', { name: /Chart partner/ }).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
