/** Rewrites the dependency picture in docs/architecture.md from the imports of src/: `npm run docs:deps`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { graphSection, unitGraph, withGraph } from './dependency-graph.js';

const path = new URL('../docs/architecture.md', import.meta.url);
writeFileSync(path, withGraph(readFileSync(path, 'utf8'), graphSection(await unitGraph())));
console.log('docs/architecture.md dependency picture updated');
