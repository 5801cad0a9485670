import { failures, run } from '../measure.js';
import type { BenchOptions } from '../options.js';
import { machine, table, writeResults } from '../results-file.js';
import { clientCredentials, prepareFixture } from '../scenarios.js';
import { rssMiB, startServer } from '../server.js';
import { withDatabase } from '../store.js';

/** Where RSS is sampled, as shares of all the tokens: 100,000 and 1,000,000 of the default million, and between. */
const CHECKPOINTS = [0.1, 0.2, 0.4, 0.6, 0.8, 1];

interface Sample {
  tokens: number;
  rssMiB: number;
  /** Rate of the stretch that ended here. */
  requestsPerSecond: number;
  errors: number;
}

/**
 * `npm run bench -- --memory [--tokens 1000000] [--store sqlite|postgres]`: one server process issues
 * client_credentials tokens (autocannon with `amount`, stretch by stretch) and its RSS is sampled at each
 * checkpoint; the verdict compares the RSS after all the tokens with the RSS after the first tenth.
 */
export async function runMemory(options: BenchOptions): Promise<void> {
  const store = options.stores[0] ?? 'sqlite';
  await withDatabase(store, async (env) => {
    const server = await startServer({ ...env, GATEHOUSE_SIGNING_ALG: 'ES256' });
    try {
      const fixture = await prepareFixture(server.url, 0);
      const samples: Sample[] = [{ tokens: 0, rssMiB: rssMiB(server.pid), requestsPerSecond: 0, errors: 0 }];
      console.log(`memory: ${options.tokens} client_credentials tokens on ${store}, ${options.connections} connections, server pid ${server.pid}`);
      console.log(`tokens\tRSS MiB\treq/s\terrors\n0\t${samples[0]?.rssMiB}`);
      let sent = 0;
      for (const share of CHECKPOINTS) {
        const target = Math.round(options.tokens * share);
        const started = Date.now();
        const result = await run({ ...clientCredentials(server.url, fixture), connections: options.connections, amount: target - sent });
        sent = target;
        const sample = { tokens: target, rssMiB: rssMiB(server.pid), requestsPerSecond: Math.round(result.requests.total / ((Date.now() - started) / 1000)), errors: failures(result) };
        samples.push(sample);
        console.log(`${sample.tokens}\t${sample.rssMiB}\t${sample.requestsPerSecond}\t${sample.errors}`);
      }
      const first = samples[1];
      const last = samples[samples.length - 1];
      if (!first || !last) throw new Error('no samples');
      const growth = last.rssMiB / first.rssMiB - 1;
      // Issue 9: within 10% either way. A fall is no leak (the first sample may catch a heap peak), so say which way.
      const verdict = {
        rssAfterFirstTenthMiB: first.rssMiB,
        rssAfterAllMiB: last.rssMiB,
        growthPercent: Number((growth * 100).toFixed(1)),
        within10Percent: Math.abs(growth) <= 0.1,
        grewBeyond10Percent: growth > 0.1,
      };
      const judged = verdict.within10Percent ? 'within 10%' : verdict.grewBeyond10Percent ? 'GREW by more than 10%' : 'fell by more than 10% (not growth)';
      const markdown = [
        `# Gatehouse memory under ${options.tokens} client_credentials tokens, ${new Date().toISOString()}`,
        '',
        `${machine()}; one \`serve\` process on ${store}, ES256; autocannon on the same machine, ${options.connections} connections.`,
        '',
        table(
          ['tokens issued', 'server RSS MiB', 'requests/s (stretch)', 'errors'],
          ['r', 'r', 'r', 'r'],
          samples.map((sample) => [sample.tokens, sample.rssMiB, sample.requestsPerSecond, sample.errors]),
        ),
        '',
        `RSS after ${last.tokens} tokens / after ${first.tokens}: ${(last.rssMiB / first.rssMiB).toFixed(3)} (${verdict.growthPercent >= 0 ? '+' : ''}${verdict.growthPercent}%): ${judged}.`,
      ].join('\n');
      const files = writeResults('memory-', { mode: 'memory', store, options, samples, verdict }, markdown);
      console.log(`\n${markdown}\nwritten: ${files.join(', ')}`);
    } finally {
      await server.stop();
    }
  });
}
