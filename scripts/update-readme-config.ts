/** Rewrites the configuration reference in README.md from the settings schema: `npm run docs:config`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { configReferenceMarkdown } from '../src/config/config-reference.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf('<!-- config-reference:start');
const end = readme.indexOf('<!-- config-reference:end -->');
if (start < 0 || end < 0) throw new Error('README.md has no config-reference markers');
const startLineEnd = readme.indexOf('\n', start) + 1;
writeFileSync(path, `${readme.slice(0, startLineEnd)}${configReferenceMarkdown()}\n${readme.slice(end)}`);
console.log('README.md configuration reference updated');
