/** Rewrites the configuration reference in docs/configuration.md from the settings schema: `npm run docs:config`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { configReferenceMarkdown } from '../src/config/config-reference.js';

const path = new URL('../docs/configuration.md', import.meta.url);
const page = readFileSync(path, 'utf8');
const start = page.indexOf('<!-- config-reference:start');
const end = page.indexOf('<!-- config-reference:end -->');
if (start < 0 || end < 0) throw new Error('docs/configuration.md has no config-reference markers');
const startLineEnd = page.indexOf('\n', start) + 1;
writeFileSync(path, `${page.slice(0, startLineEnd)}${configReferenceMarkdown()}\n${page.slice(end)}`);
console.log('docs/configuration.md configuration reference updated');
