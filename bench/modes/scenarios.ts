import type { Options } from 'autocannon';
import type { AssertionPool } from '../assertion-pool.js';
import { median, run, runMeasuringCpu, successRate, type Measurement } from '../measure.js';
import { describe, selected, type BenchOptions } from '../options.js';
import { machine, table, writeResults } from '../results-file.js';
import { prepareFixture, SCENARIOS, type Fixture, type Scenario } from '../scenarios.js';
import { rssMiB, startServer, type BenchServer } from '../server.js';
import { withDatabase } from '../store.js';

const WARM_UP_SECONDS = 2;
/** Assertions for a warm-up, before any rate is known: 2 s at up to 12,000 requests/s. */
const WARM_UP_ASSERTIONS = 24_000;
/** Assertions per run: the fastest rate seen so far times the run's length, with this much to spare. */
const ASSERTION_HEADROOM = 1.5;

interface Row extends Measurement {
  store: string;
  scenario: string;
  rssMiB: number;
}

async function fill(pool: AssertionPool | undefined, count: number): Promise<void> {
  if (!pool) return;
  const started = Date.now();
  await pool.fill(count);
  console.log(`  signed ${count} assertions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function warnIfExhausted(pool: AssertionPool | undefined, scenario: Scenario): void {
  if (pool && pool.exhausted > 0) console.warn(`  ${scenario.name}: the assertion pool ran dry ${pool.exhausted} times; those requests replayed an assertion`);
}

/** A scenario's warm-up and runs against one server: median of the runs, the server's RSS after them. */
async function runScenario(server: BenchServer, scenario: Scenario, fixture: Fixture, options: BenchOptions): Promise<Omit<Row, 'store'>> {
  const pool = scenario.pool?.(fixture);
  const load = (connections: number, duration: number): Options => ({ ...scenario.options(server.url, fixture), connections, duration });
  // Warm-up: JIT, caches, connection pools.
  await fill(pool, WARM_UP_ASSERTIONS);
  let fastest = successRate(await run(load(options.connections, WARM_UP_SECONDS)), WARM_UP_SECONDS);
  const results = [];
  for (let index = 0; index < options.runs; index++) {
    await fill(pool, Math.ceil(fastest * options.duration * ASSERTION_HEADROOM) + 1000);
    const half = Math.ceil(options.connections / 2);
    // CPU per request only where one kind of request runs: with a background load, the server's CPU is shared by both.
    const main = scenario.background ? run(load(half, options.duration)) : runMeasuringCpu(load(options.connections, options.duration), server.pid);
    const background = scenario.background ? run({ ...scenario.background(server.url, fixture), connections: options.connections - half, duration: options.duration }) : undefined;
    const [result] = await Promise.all([main, background]);
    warnIfExhausted(pool, scenario);
    fastest = Math.max(fastest, successRate(result, options.duration));
    results.push(result);
  }
  return { scenario: scenario.name, ...median(results), rssMiB: rssMiB(server.pid) };
}

/** `npm run bench`: every scenario against a real server on each store; bench/results/<time>.json and latest.md. */
export async function runScenarios(options: BenchOptions): Promise<void> {
  const scenarios = SCENARIOS.filter((scenario) => selected(options, scenario.name));
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
            console.log(
              `${store}\t${row.scenario}\t${row.requestsPerSecond} req/s\tp50 ${row.p50} ms\tp99 ${row.p99} ms\terrors ${row.errors}\tserver CPU ${row.cpu?.server ?? '-'} µs/request\tRSS ${row.rssMiB} MiB`,
            );
          }
        } finally {
          await server.stop();
        }
      });
    }
  }
  const markdown = [
    `# Gatehouse benchmark, ${new Date().toISOString()}`,
    '',
    `${machine()}; ${describe(options)}.`,
    '',
    table(
      ['store', 'scenario', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU µs/request', 'server RSS MiB', 'runs (req/s)'],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      rows.map((row) => [row.store, row.scenario, row.requestsPerSecond, row.p50, row.p99, row.errors, row.cpu?.server ?? '', row.rssMiB, row.runs.join(', ')]),
    ),
    '',
    'Server CPU per request: every thread of the server process (user + system, from /proc), median of the runs; not measured where a background load shares the server.',
  ].join('\n');
  const files = writeResults('', { options, rows }, markdown);
  console.log(`\n${markdown}\nwritten: ${files.join(', ')}`);
}
