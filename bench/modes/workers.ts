import type { Result } from 'autocannon';
import { median, run, type Measurement } from '../measure.js';
import { describe, type BenchOptions } from '../options.js';
import { machine, table, writeResults } from '../results-file.js';
import { clientCredentials, prepareFixture, type Fixture } from '../scenarios.js';
import { startServer, treeRssMiB, type BenchServer } from '../server.js';
import { withDatabase } from '../store.js';

const WARM_UP_SECONDS = 2;

interface Row extends Measurement {
  workers: number;
  /** RSS of the primary and its workers together. */
  rssMiB: number;
}

/** A `serve --workers n` on its own fresh store, prepared for client_credentials. */
async function workersServer(workers: number, work: (server: BenchServer, fixture: Fixture) => Promise<void>): Promise<void> {
  await withDatabase('sqlite', async (env) => {
    const server = await startServer({ ...env, GATEHOUSE_SIGNING_ALG: 'ES256' }, workers);
    try {
      await work(server, await prepareFixture(server.url, 0));
    } finally {
      await server.stop();
    }
  });
}

/**
 * `npm run bench -- --workers`: client_credentials (ES256) against `serve --workers 1` and `--workers 2`,
 * both running, alternating run by run; the median of each and the ratio. On one machine autocannon
 * competes with the workers for the cores, so this shows what one machine gives, not what a remote load would.
 */
export async function runWorkers(options: BenchOptions): Promise<void> {
  await workersServer(1, (one, oneFixture) =>
    workersServer(2, async (two, twoFixture) => {
      const targets = [
        { workers: 1, load: clientCredentials(one.url, oneFixture), server: one },
        { workers: 2, load: clientCredentials(two.url, twoFixture), server: two },
      ];
      for (const target of targets) await run({ ...target.load, connections: options.connections, duration: WARM_UP_SECONDS });
      const results: Result[][] = targets.map(() => []);
      for (let index = 0; index < options.runs; index++) {
        for (const [position, target] of targets.entries()) {
          const result = await run({ ...target.load, connections: options.connections, duration: options.duration });
          results[position]?.push(result);
          console.log(`run ${index + 1}\t--workers ${target.workers}\t${Math.round(result.requests.average)} req/s\tp99 ${result.latency.p99} ms`);
        }
      }
      const rows: Row[] = targets.map((target, position) => ({ workers: target.workers, ...median(results[position] ?? []), rssMiB: treeRssMiB(target.server.pid) }));
      const [single, double] = rows;
      const speedup = single && double ? double.requestsPerSecond / single.requestsPerSecond : 0;
      const markdown = [
        `# client_credentials against serve --workers 1 and 2, ${new Date().toISOString()}`,
        '',
        `${machine()}; ${describe(options)}; the two servers alternating run by run; embedded store, ES256.`,
        '',
        table(
          ['workers', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MiB (all processes)', 'runs (req/s)'],
          ['r', 'r', 'r', 'r', 'r', 'r', 'l'],
          rows.map((row) => [row.workers, row.requestsPerSecond, row.p50, row.p99, row.errors, row.rssMiB, row.runs.join(', ')]),
        ),
        '',
        `--workers 2 / --workers 1: ${speedup.toFixed(2)}x (autocannon shares the same cores).`,
      ].join('\n');
      const files = writeResults('workers-', { mode: 'workers', options, rows, speedup }, markdown);
      console.log(`\n${markdown}\nwritten: ${files.join(', ')}`);
    }),
  );
}
