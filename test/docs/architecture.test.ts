import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_END, GRAPH_START, graphSection, mutualPairs, unitGraph, type UnitGraph } from '../../scripts/dependency-graph.js';

// `npm run docs:deps` (scripts/update-architecture-docs.ts) writes the picture between the markers.
const page = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');

describe('docs/architecture.md', () => {
  let graph: UnitGraph;
  beforeAll(async () => {
    graph = await unitGraph();
  });

  it('embeds the dependency picture of the current imports', () => {
    // Not vacuous: the tree has its units and their arrows.
    expect(graph.units).toEqual(expect.arrayContaining(['cli', 'server', 'store', 'oauth/endpoints', 'shared']));
    expect(graph.edges.size).toBeGreaterThan(40);
    const embedded = page.slice(page.indexOf(GRAPH_START) + GRAPH_START.length, page.indexOf(GRAPH_END)).trim();
    expect(embedded).toBe(graphSection(graph).trim());
  });

  it('shows no two units that import each other', () => {
    expect(mutualPairs(graph)).toEqual([]);
  });
});
