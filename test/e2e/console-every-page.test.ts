import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const PASSWORD = 'e2e-every-page-password';
const WIDTHS = [
  { name: 'desktop', width: 1280, height: 860 },
  { name: '375', width: 375, height: 760 },
] as const;

/**
 * Every page of the console's navigation (read from the page itself, so a new page is covered without a list to
 * keep), at a desktop and a phone width: it opens with its heading, the document never scrolls sideways (wide
 * tables scroll inside their own frame), nothing is logged as an error, and a screenshot of each goes to
 * test-output/screenshots/page-<path>-<width>.png.
 */
describe('every console page at desktop and phone widths in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer({ store: 'sqlite', config: { adminPassword: PASSWORD } });
    // Something on each list, so that tables are drawn with rows.
    await server.createClient({ client_id: 'every-page-partner', client_name: 'A partner with a rather long name for a narrow screen', scope: 'orders:read reports:read' });
    await server.admin('POST', '/users', { username: 'every.page.person@example.com', password: 'a long enough password', roles: ['ops', 'user-admin'] });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens each page of the navigation without sideways scrolling, and photographs it', async () => {
    const sections = await page.evaluate<{ href: string; label: string }[]>("[...document.querySelectorAll('header nav a')].map((link) => ({ href: link.pathname, label: link.textContent.trim() }))");
    expect(sections.length).toBeGreaterThanOrEqual(13);
    expect(sections.map((section) => section.label)).toEqual(expect.arrayContaining(['Overview', 'Clients', 'Users', 'Commands', 'Audit log', 'Administrators', 'Settings']));
    const overflowing: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width: width.width, height: width.height });
      for (const section of sections) {
        await page.goto(`${server.url}${section.href}`);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.locator('.loading').waitFor({ state: 'detached' });
        const sideways = await page.evaluate<number>('document.scrollingElement.scrollWidth - window.innerWidth');
        if (sideways > 0) overflowing.push(`${section.href} at ${width.width} px: ${sideways} px wider`);
        // Every button can be reached without scrolling a frame sideways (actions of table rows included).
        const offscreen = await page.evaluate<string[]>(
          "[...document.querySelectorAll('main button')].filter((button) => button.offsetParent !== null && button.getBoundingClientRect().right > window.innerWidth + 1).map((button) => button.textContent.trim())",
        );
        if (offscreen.length > 0) overflowing.push(`${section.href} at ${width.width} px: buttons off-screen: ${offscreen.join(', ')}`);
        await page.screenshot({ path: join(SCREENSHOTS, `page-${section.href.replace(/^\/admin\//, '').replace(/\W+/g, '-')}-${width.name}.png`), fullPage: true });
      }
    }
    expect(overflowing).toEqual([]);
    expect(problems).toEqual([]);
  });
});
