import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const DIR = join('bench', 'results');

/** One line describing the machine, for the head of every result table. */
export function machine(): string {
  return `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
}

/**
 * Writes `bench/results/<prefix><time>.json` and `bench/results/<prefix>latest.md` and returns their paths.
 * `prefix` is '' for the scenario table, or e.g. 'peer-', 'memory-', 'workers-'.
 */
export function writeResults(prefix: string, data: object, markdown: string): string[] {
  mkdirSync(DIR, { recursive: true });
  const date = new Date().toISOString();
  const json = join(DIR, `${prefix}${date.replace(/[:.]/g, '-')}.json`);
  const md = join(DIR, `${prefix}latest.md`);
  writeFileSync(json, `${JSON.stringify({ date, node: process.version, cpus: cpus().length, ...data }, null, 2)}\n`);
  writeFileSync(md, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [json, md];
}

/** A Markdown table from a header row and body rows. */
export function table(header: string[], align: ('l' | 'r')[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((side) => (side === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}
