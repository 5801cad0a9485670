/**
 * Benchmark runner (see bench/README.md):
 *   npm run bench [-- --store sqlite|postgres|both] [--duration 10] [--runs 3] [--connections 50] [--quick] [--only text]
 *   npm run bench -- --peer       Gatehouse vs oidc-provider vs bare node:http, alternating run by run
 *   npm run bench -- --memory     server RSS while 1,000,000 client_credentials tokens are issued
 *   npm run bench -- --workers    client_credentials against serve --workers 1 and --workers 2
 * Starts real servers (Gatehouse from dist/), runs autocannon, writes bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runMemory } from './modes/memory.js';
import { runPeer } from './modes/peer.js';
import { runScenarios } from './modes/scenarios.js';
import { runWorkers } from './modes/workers.js';
import { parseArgs } from './options.js';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync('dist/cli/main.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const modes = { scenarios: runScenarios, peer: runPeer, memory: runMemory, workers: runWorkers };
  await modes[options.mode](options);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
