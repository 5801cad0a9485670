import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown } from '../../src/config/config-reference.js';
import { SETTINGS } from '../../src/config/config-schema.js';

// `npm run docs:config` (scripts/update-config-docs.ts) writes the table between the markers.
const page = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it('embeds the configuration reference generated from the schema', () => {
    const start = page.indexOf('<!-- config-reference:start');
    const end = page.indexOf('<!-- config-reference:end -->');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const embedded = page.slice(page.indexOf('\n', start) + 1, end).trim();
    // Not vacuous: one row per setting, plus the header and its rule.
    expect(embedded.split('\n')).toHaveLength(SETTINGS.length + 2);
    expect(embedded).toBe(configReferenceMarkdown());
  });

  it('names every environment variable', () => {
    for (const setting of SETTINGS) expect(page).toContain(`\`${setting.env}\``);
  });
});
