import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => join('docs', name));
const pages = ['README.md', 'SECURITY.md', 'CHANGELOG.md', 'bench/README.md', ...docs];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (heading) found.add(slug(heading[1]!));
  }
  return found;
}

/** Relative Markdown links `[text](target)` outside code fences and code spans. */
function links(file: string): string[] {
  const found: string[] = [];
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    for (const match of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (!/^[a-z]+:/i.test(target)) found.push(target);
    }
  }
  return found;
}

describe('documentation links', () => {
  it('finds the pages and their links (not vacuous)', () => {
    expect(docs.length).toBeGreaterThanOrEqual(10);
    expect(links(join(root, 'README.md')).length).toBeGreaterThanOrEqual(10);
  });

  for (const page of pages) {
    it(`${page}: every relative link reaches a file and heading`, () => {
      const from = join(root, page);
      const broken: string[] = [];
      for (const target of links(from)) {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? from : join(dirname(from), path);
        if (!existsSync(file)) broken.push(`${target} (no ${relative(root, file)})`);
        else if (anchor && statSync(file).isFile() && file.endsWith('.md') && !anchors(file).has(anchor)) {
          broken.push(`${target} (no heading #${anchor})`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
