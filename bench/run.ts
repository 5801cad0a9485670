/**
 * Benchmark runner: `npm run bench [-- --store sqlite|postgres|both] [--duration 10] [--runs 3] [--connections 50] [--quick]`.
 * Starts real Gatehouse servers from dist/, runs autocannon scenarios, writes bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { prepareFixture, SCENARIOS, type Fixture, type Scenario } from './scenarios.js';
import { rssMiB, startServer, type BenchServer } from './server.js';
import { withDatabase } from './store.js';

interface Options {
  stores: ('sqlite' | 'postgres')[];
  duration: number;
  runs: number;
  connections: number;
  only: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const store = value('store') ?? 'sqlite';
  return {
    stores: store === 'both' ? ['sqlite', 'postgres'] : [store === 'postgres' ? 'postgres' : 'sqlite'],
    duration: Number(value('duration') ?? (quick ? 3 : 10)),
    runs: Number(value('runs') ?? (quick ? 1 : 3)),
    connections: Number(value('connections') ?? 50),
    only: value('only'),
  };
}

interface Row {
  store: string;
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  rssMiB: number;
  runs: number[];
}

async function runScenario(server: BenchServer, scenario: Scenario, fixture: Fixture, options: Options): Promise<Omit<Row, 'store'>> {
  const base = { connections: options.connections };
  // Warm-up: JIT, caches, connection pools.
  await autocannon({ ...scenario.options(server.url, fixture), ...base, duration: 2 });
  const results: Result[] = [];
  for (let run = 0; run < options.runs; run++) {
    const main = autocannon({ ...scenario.options(server.url, fixture), ...base, connections: scenario.background ? Math.ceil(options.connections / 2) : options.connections, duration: options.duration });
    const background = scenario.background
      ? autocannon({ ...scenario.background(server.url, fixture), connections: Math.floor(options.connections / 2), duration: options.duration })
      : undefined;
    const [result] = await Promise.all([main, background]);
    results.push(result);
  }
  const byRate = [...results].sort((a, b) => a.requests.average - b.requests.average);
  const chosen = byRate[Math.floor(byRate.length / 2)] ?? results[0];
  if (!chosen) throw new Error('no results');
  return {
    scenario: scenario.name,
    requestsPerSecond: Math.round(chosen.requests.average),
    p50: chosen.latency.p50,
    p99: chosen.latency.p99,
    errors: chosen.errors + chosen.timeouts + chosen.non2xx,
    rssMiB: rssMiB(server.pid),
    runs: results.map((result) => Math.round(result.requests.average)),
  };
}

function markdown(rows: Row[], options: Options): string {
  const header = [
    `# Gatehouse benchmark, ${new Date().toISOString()}`,
    '',
    `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; autocannon on the same machine, ${options.connections} connections, ${options.duration} s per run, median of ${options.runs} run(s).`,
    '',
    '| store | scenario | requests/s | p50 ms | p99 ms | errors | server RSS MiB | runs (req/s) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const body = rows.map((row) => `| ${row.store} | ${row.scenario} | ${row.requestsPerSecond} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.rssMiB} | ${row.runs.join(', ')} |`);
  return [...header, ...body, ''].join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync('dist/cli/main.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const scenarios = SCENARIOS.filter((scenario) => !options.only || scenario.name.includes(options.only));
  const rows: Row[] = [];
  for (const store of options.stores) {
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const selected = scenarios.filter((scenario) => scenario.alg === alg);
      if (selected.length === 0) continue;
      await withDatabase(store, async (env) => {
        const server = await startServer({ ...env, GATEHOUSE_SIGNING_ALG: alg });
        try {
          // Every run may cut off one in-flight refresh per connection; keep chains for all of them.
          const fixture = await prepareFixture(server.url, options.connections * (options.runs + 3));
          for (const scenario of selected) {
            const row = { store, ...(await runScenario(server, scenario, fixture, options)) };
            rows.push(row);
            console.log(`${store}\t${row.scenario}\t${row.requestsPerSecond} req/s\tp50 ${row.p50} ms\tp99 ${row.p99} ms\terrors ${row.errors}\tRSS ${row.rssMiB} MiB`);
          }
        } finally {
          await server.stop();
        }
      });
    }
  }
  mkdirSync('bench/results', { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join('bench/results', `${stamp}.json`), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, options, rows }, null, 2)}\n`);
  const table = markdown(rows, options);
  writeFileSync(join('bench/results', 'latest.md'), table);
  console.log(`\n${table}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
