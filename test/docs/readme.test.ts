import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown } from '../../src/config/config-reference.js';
import { SETTINGS } from '../../src/config/config-schema.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('embeds the configuration reference generated from the schema', () => {
    const start = readme.indexOf('<!-- config-reference:start');
    const end = readme.indexOf('<!-- config-reference:end -->');
    expect(start).toBeGreaterThan(0);
    const embedded = readme.slice(readme.indexOf('\n', start) + 1, end).trim();
    expect(embedded).toBe(configReferenceMarkdown());
  });

  it('names every environment variable', () => {
    for (const setting of SETTINGS) expect(readme).toContain(`\`${setting.env}\``);
  });

  it('gives the two commands that run and test Gatehouse', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
