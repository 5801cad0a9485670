import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/**
 * Answers the console's confirmation dialog (a modal <dialog>) once it opens, by its destructive button or its
 * cancel button; gives its text. Call it before the click that opens the dialog, and await it after.
 */
export async function answerConfirmation(page: Page, accept: boolean): Promise<string> {
  const dialog = page.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  const text = (await dialog.textContent()) ?? '';
  const buttons = dialog.getByRole('button');
  // The destructive (or leave) button comes first, the cancel button last.
  await (accept ? buttons.first() : buttons.last()).click();
  // Closed: the locator (an open dialog) matches nothing any more.
  await dialog.waitFor({ state: 'detached' });
  return text;
}
