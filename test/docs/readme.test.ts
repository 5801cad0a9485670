import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('gives the two commands that run and test Gatehouse', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('points to the configuration reference, which docs/configuration.md holds', () => {
    expect(readme).toContain('](docs/configuration.md)');
  });
});
