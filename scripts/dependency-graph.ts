/**
 * The folder-level dependency picture of src/, from dependency-cruiser's own reading of the imports
 * (type-only imports included, as the lint rules read them): a Mermaid flowchart and the figures beside it.
 */
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const rules = require('../.dependency-cruiser.cjs') as { options: Record<string, unknown>; forbidden: unknown[] };

/** A file's unit: `oauth/<sub>` for oauth's subfolders, `oauth` for its own files, else the top folder or file. */
export function unitOf(path: string): string | undefined {
  const match = /^src\/([^/]+)(\/([^/]+)\/)?/.exec(path);
  if (!match) return undefined;
  const top = match[1]!;
  if (top === 'oauth' && match[3] !== undefined) return `oauth/${match[3]}`;
  return top;
}

export interface UnitGraph {
  units: string[];
  /** "from -> to" with the number of file imports behind it. */
  edges: Map<string, number>;
  files: number;
}

export async function unitGraph(): Promise<UnitGraph> {
  const result = await cruise(['src'], { ...rules.options, validate: false, ruleSet: undefined });
  const output = result.output as ICruiseResult;
  const edges = new Map<string, number>();
  const units = new Set<string>();
  let files = 0;
  for (const module of output.modules) {
    const from = unitOf(module.source);
    if (from === undefined) continue;
    files += 1;
    units.add(from);
    for (const dependency of module.dependencies) {
      const to = unitOf(dependency.resolved);
      if (to === undefined || to === from) continue;
      const key = `${from} -> ${to}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  return { units: [...units].sort(), edges, files };
}

const nodeId = (unit: string) => unit.replace(/[^A-Za-z0-9]/g, '_');

/** Mermaid: one node per unit, one arrow per unit pair that imports, labelled with its file-import count. */
export function mermaid(graph: UnitGraph): string {
  const lines = ['```mermaid', 'flowchart TD'];
  for (const unit of graph.units) lines.push(`  ${nodeId(unit)}["${unit}"]`);
  for (const [key, count] of [...graph.edges].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = key.split(' -> ') as [string, string];
    lines.push(`  ${nodeId(from)} -->|${count}| ${nodeId(to)}`);
  }
  lines.push('```');
  return lines.join('\n');
}

/** Pairs of units that import each other (a folder cycle of two); the layer rules allow none. */
export function mutualPairs(graph: UnitGraph): string[] {
  const pairs: string[] = [];
  for (const key of graph.edges.keys()) {
    const [from, to] = key.split(' -> ') as [string, string];
    if (from < to && graph.edges.has(`${to} -> ${from}`)) pairs.push(`${from} <-> ${to}`);
  }
  return pairs;
}

export function graphSection(graph: UnitGraph): string {
  const mutual = mutualPairs(graph);
  return [
    `${graph.files} files in ${graph.units.length} units; ${graph.edges.size} unit-to-unit arrows; ` +
      `${mutual.length} pairs of units that import each other. Regenerate with \`npm run docs:deps\`; ` +
      '`test/docs/architecture.test.ts` fails when this picture is out of date.',
    '',
    mermaid(graph),
  ].join('\n');
}

export const GRAPH_START = '<!-- dependency-graph -->';
export const GRAPH_END = '<!-- /dependency-graph -->';

/** The page with the section between the markers replaced. */
export function withGraph(page: string, section: string): string {
  const start = page.indexOf(GRAPH_START);
  const end = page.indexOf(GRAPH_END);
  if (start < 0 || end < start) throw new Error('docs/architecture.md has no dependency-graph markers');
  return `${page.slice(0, start + GRAPH_START.length)}\n${section}\n${page.slice(end)}`;
}
