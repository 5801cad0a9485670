import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './cli.js';

/** Debian's chromium (`.ci/run` installs it); playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.GATEHOUSE_TEST_CHROMIUM ?? '/usr/bin/chromium';

export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

/** Why the console tests cannot start Chromium at `path`, and what to install; undefined when it is there. */
export function missingChromium(path: string): string | undefined {
  if (existsSync(path)) return undefined;
  return `the console tests need Chromium at ${path}, which does not exist: install it (Debian/Ubuntu: \`sudo apt-get install chromium\`), or set GATEHOUSE_TEST_CHROMIUM to a Chromium or Chrome binary`;
}

export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  const missing = missingChromium(executablePath);
  if (missing) throw new Error(missing);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
