import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const EXAMPLES = join(ROOT, 'examples');
const folders = readdirSync(EXAMPLES).filter((name) => statSync(join(EXAMPLES, name)).isDirectory());

/** The command lines of a README's first shell block: continuation lines joined, comments and blank lines left out. */
function firstCommandsOf(readme: string): string[] {
  const block = /```sh\n([\s\S]*?)\n```/.exec(readme);
  if (!block) return [];
  return block[1]!
    .replace(/\\\n/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

describe('examples/', () => {
  it('has folders', () => {
    expect(folders.length).toBeGreaterThan(0);
  });

  it.each(folders)('%s has a README that says what it is and starts with one command', (folder) => {
    const readme = readFileSync(join(EXAMPLES, folder, 'README.md'), 'utf8');
    expect(readme).toMatch(/^# .+\n\n\S/);
    expect(readme).toContain('## Run it');
    expect(firstCommandsOf(readme.slice(readme.indexOf('## Run it')))).toHaveLength(1);
  });
});
