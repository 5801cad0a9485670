import { describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, missingChromium } from '../helpers/browser.js';

describe('the console tests without Chromium', () => {
  it('say what to install instead of failing obscurely', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow('at /nonexistent/chromium, which does not exist: install it (Debian/Ubuntu: `sudo apt-get install chromium`)');
    expect(missingChromium('/nonexistent/chromium')).toContain('GATEHOUSE_TEST_CHROMIUM');
  });

  it('find it where it is', () => {
    expect(missingChromium(process.execPath)).toBeUndefined();
    expect(typeof CHROMIUM).toBe('string');
  });
});
