/**
 * Soak test: `npm run soak [-- --minutes 10] [--store sqlite|postgres] [--connections 20]`.
 * Starts a real Gatehouse server from dist/ and drives mixed traffic at it (client_credentials,
 * introspection, a protected server command, refresh-token rotations, and a stream of admin changes) for
 * the given minutes. Each minute it prints and records throughput, p99 latency, errors and the server's
 * RSS; at the end it fits a line through the RSS of the second half of the run and judges the trend.
 * Results go to bench/results/soak-<store>-<time>.json and .md. Exit code 1 on errors or memory growth.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon, { type Options as LoadOptions, type Result } from 'autocannon';
import { clientCredentials, prepareFixture, refreshChain } from './scenarios.js';
import { admin, rssMiB, startServer } from './server.js';
import { withDatabase } from './store.js';

interface SoakOptions {
  minutes: number;
  store: 'sqlite' | 'postgres';
  connections: number;
}

function parseArgs(argv: string[]): SoakOptions {
  const value = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const minutes = Number(value('minutes') ?? 10);
  const connections = Number(value('connections') ?? 20);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--minutes must be a positive number');
  if (!Number.isInteger(connections) || connections < 5) throw new Error('--connections must be an integer of at least 5');
  return { minutes, store: value('store') === 'postgres' ? 'postgres' : 'sqlite', connections };
}

interface Minute {
  minute: number;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  adminChanges: number;
  rssMiB: number;
}

/** The admin side of the mix: a client created, changed, re-keyed and deleted, over and over. */
async function adminChanges(url: string, until: () => boolean): Promise<{ changes: number; errors: number }> {
  let changes = 0;
  let errors = 0;
  while (!until()) {
    try {
      const client = (await admin(url, 'POST', '/clients', { client_name: 'soak', scope: 'read' })) as { client_id: string };
      await admin(url, 'PATCH', `/clients/${client.client_id}`, { scope: 'read write', enabled: false });
      await admin(url, 'POST', `/clients/${client.client_id}/secret`, { grace_period: 0 });
      await admin(url, 'DELETE', `/clients/${client.client_id}`);
      changes += 4;
    } catch (error) {
      errors++;
      console.error(`admin change failed: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { changes, errors };
}

function failures(result: Result): number {
  return result.errors + result.timeouts + result.non2xx;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const numerator = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const denominator = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return denominator === 0 ? 0 : numerator / denominator;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const windows = Math.ceil(options.minutes);
  const windowSeconds = Math.round((options.minutes * 60) / windows);
  await withDatabase(options.store, async (env) => {
    const server = await startServer({ ...env, GATEHOUSE_SIGNING_ALG: 'ES256' });
    try {
      // Enough refresh chains for every window: a chain in flight when a window ends is dropped.
      const fixture = await prepareFixture(server.url, 40 + windows * 8);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const share = (part: number) => Math.max(1, Math.round(options.connections * part));
      const mix = (): LoadOptions[] => [
        { ...clientCredentials(server.url, fixture), connections: share(0.4) },
        { url: `${server.url}/oauth/introspect`, method: 'POST', headers: { ...form, authorization: fixture.ccAuth }, body: `token=${fixture.validToken}`, connections: share(0.25) },
        {
          url: `${server.url}/api/apps/demo/commands/noop`,
          method: 'POST',
          headers: { authorization: `Bearer ${fixture.validToken}`, 'content-type': 'application/json' },
          body: '{}',
          connections: share(0.25),
        },
        { ...refreshChain(server.url, fixture), connections: share(0.1) },
      ];
      const minutes: Minute[] = [];
      console.log(`soak: ${options.minutes} min on ${options.store}, ${options.connections} connections, server pid ${server.pid}`);
      console.log('minute | req/s | p99 ms | errors | admin changes | RSS MiB');
      for (let minute = 1; minute <= windows; minute++) {
        let over = false;
        const adminWork = adminChanges(server.url, () => over);
        const results = await Promise.all(mix().map((load) => autocannon({ ...load, duration: windowSeconds })));
        over = true;
        const adminResult = await adminWork;
        const requests = results.reduce((sum, result) => sum + result.requests.total, 0);
        const row: Minute = {
          minute,
          requestsPerSecond: Math.round(requests / windowSeconds),
          p99Ms: Math.max(...results.map((result) => result.latency.p99)),
          // A refresh chain cut off by the window's end is not an error; every other failure is.
          errors: results.reduce((sum, result) => sum + failures(result), 0) + adminResult.errors,
          adminChanges: adminResult.changes,
          rssMiB: rssMiB(server.pid),
        };
        minutes.push(row);
        console.log(`${row.minute} | ${row.requestsPerSecond} | ${row.p99Ms} | ${row.errors} | ${row.adminChanges} | ${row.rssMiB}`);
      }

      // The first half warms up (JIT, heap sizing, SQLite page cache); the trend is judged on the second half.
      const settled = minutes.slice(Math.floor(minutes.length / 2)).map((row): [number, number] => [row.minute, row.rssMiB]);
      const trend = settled.length >= 2 ? slope(settled) : 0;
      const meanRss = settled.length > 0 ? settled.reduce((sum, [, rss]) => sum + rss, 0) / settled.length : (minutes[0]?.rssMiB ?? 0);
      // Flat: the fitted growth over the whole run stays within 5% of the mean RSS (GC noise is larger per minute).
      const growth = trend * Math.max(1, settled.length - 1);
      const flat = Math.abs(growth) <= meanRss * 0.05 || growth <= 0;
      const errors = minutes.reduce((sum, row) => sum + row.errors, 0);
      const verdict = { flat, errors, rssTrendMiBPerMinute: Number(trend.toFixed(2)), fittedGrowthMiB: Number(growth.toFixed(1)), meanRssMiB: Math.round(meanRss) };
      console.log(
        `RSS trend ${verdict.rssTrendMiBPerMinute} MiB/min (fitted growth ${verdict.fittedGrowthMiB} MiB over the run, mean ${verdict.meanRssMiB} MiB): ${flat ? 'flat' : 'GROWING'}; errors: ${errors}`,
      );

      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const dir = join('bench', 'results');
      mkdirSync(dir, { recursive: true });
      const base = join(dir, `soak-${options.store}-${stamp}`);
      writeFileSync(`${base}.json`, `${JSON.stringify({ options, minutes, verdict }, null, 2)}\n`);
      const table = ['| minute | req/s | p99 ms | errors | admin changes | RSS MiB |', '| --- | --- | --- | --- | --- | --- |']
        .concat(minutes.map((row) => `| ${row.minute} | ${row.requestsPerSecond} | ${row.p99Ms} | ${row.errors} | ${row.adminChanges} | ${row.rssMiB} |`))
        .join('\n');
      writeFileSync(
        `${base}.md`,
        `# Soak, ${options.minutes} min on ${options.store}, ${options.connections} connections\n\n${table}\n\nRSS trend: ${verdict.rssTrendMiBPerMinute} MiB/min, ${flat ? 'flat' : 'growing'}; errors: ${errors}.\n`,
      );
      console.log(`written: ${base}.json, ${base}.md`);
      if (!flat || errors > 0) process.exitCode = 1;
    } finally {
      await server.stop();
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
