import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CONSOLE_SOURCE = join(import.meta.dirname, '../../console/src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the console shows every date in one format', () => {
  it('formats dates only through formatTime (console/src/ui.tsx), never with the browser default', () => {
    const offenders = sourceFiles(CONSOLE_SOURCE).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, index) => ({ file, line: index + 1, text: line }))
        .filter(({ text }) => /\.toLocale(Date|Time)String\(|\.toLocaleString\(\)|\.toUTCString\(|\.toDateString\(/.test(text)),
    );
    expect(offenders).toEqual([]);
  });
});
