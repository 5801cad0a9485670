import type { Options } from 'autocannon';
import { decodeProtectedHeader } from 'jose';
import { median, run, runMeasuringCpu, type MeasuredResult, type Measurement } from '../measure.js';
import { describe, selected, type BenchOptions } from '../options.js';
import { PEER_CLIENT_ID, PEER_CLIENT_SECRET, PEER_RESOURCE, PEER_SCOPE } from '../peer/peer-client.js';
import { startPeer } from '../peer/peers.js';
import { machine, table, writeResults } from '../results-file.js';
import { basic, clientCredentials, FORM, introspection, postForm, prepareFixture } from '../scenarios.js';
import { rssMiB, startServer, type BenchServer } from '../server.js';
import { withDatabase } from '../store.js';

const WARM_UP_SECONDS = 2;
const SERVERS = ['Gatehouse', 'oidc-provider', 'bare node:http'] as const;
type ServerName = (typeof SERVERS)[number];

interface PeerScenario {
  name: string;
  /** The load against each server. */
  loads: Record<ServerName, Options>;
  /** Issue 9's targets: Gatehouse at least this many times oidc-provider's, and this share of bare's rate. */
  targets: { overPeer: number; overBare?: number };
}

interface Row extends Measurement {
  scenario: string;
  server: ServerName;
  rssMiB: number;
}

/**
 * The peer's token requests: client_credentials naming the resource, which makes the access token an
 * RFC 9068 JWT. Checked once before any load: a JWT with typ at+jwt signed with ES256.
 */
async function peerLoads(url: string): Promise<{ token: Options; introspection: Options }> {
  const auth = basic(PEER_CLIENT_ID, PEER_CLIENT_SECRET);
  const params = { grant_type: 'client_credentials', scope: PEER_SCOPE, resource: PEER_RESOURCE };
  const body = new URLSearchParams(params).toString();
  const jwt = (await postForm(url, '/token', auth, params)).access_token as string;
  const header = decodeProtectedHeader(jwt);
  if (header.typ !== 'at+jwt' || header.alg !== 'ES256') throw new Error(`oidc-provider issued ${JSON.stringify(header)}, not an ES256 at+jwt`);
  // oidc-provider refuses to introspect JWT access tokens ("Structured JWT Tokens cannot be introspected"),
  // so its introspection runs on the opaque token it issues without a resource: a lookup in its memory adapter.
  const opaque = (await postForm(url, '/token', auth, { grant_type: 'client_credentials', scope: PEER_SCOPE })).access_token as string;
  const check = await postForm(url, '/token/introspection', auth, { token: opaque });
  if (check.active !== true) throw new Error(`oidc-provider introspection of its own token: ${JSON.stringify(check)}`);
  return {
    token: { url: `${url}/token`, method: 'POST', headers: { ...FORM, authorization: auth }, body },
    introspection: { url: `${url}/token/introspection`, method: 'POST', headers: { ...FORM, authorization: auth }, body: `token=${opaque}` },
  };
}

/** The same request as Gatehouse's (path, headers and body), sent to another server. */
function retarget(load: Options, url: string): Options {
  const target = new URL(load.url);
  return { ...load, url: `${url}${target.pathname}${target.search}` };
}

function ratio(a: number, b: number, target: number | undefined): string {
  if (b === 0) return 'n/a';
  const text = `${(a / b).toFixed(2)}x (${Math.round((a / b) * 100)}%)`;
  return target === undefined ? text : `${text}, target ${target}x: ${a / b >= target ? 'met' : 'NOT met'}`;
}

/**
 * `npm run bench -- --peer`: client_credentials (ES256 JWT) and introspection against Gatehouse (a real
 * `serve` on a fresh embedded store), oidc-provider and bare node:http, each in its own process, the
 * servers alternating run by run; the median of each, and the ratios Gatehouse / oidc-provider and / bare.
 */
export async function runPeer(options: BenchOptions): Promise<void> {
  await withDatabase('sqlite', async (env) => {
    const servers: Partial<Record<ServerName, BenchServer>> = {};
    try {
      servers.Gatehouse = await startServer({ ...env, GATEHOUSE_SIGNING_ALG: 'ES256' });
      servers['oidc-provider'] = await startPeer('oidc-provider');
      servers['bare node:http'] = await startPeer('bare');
      const gatehouse = servers.Gatehouse.url;
      const fixture = await prepareFixture(gatehouse, 0);
      const peer = await peerLoads(servers['oidc-provider'].url);
      const bare = servers['bare node:http'].url;
      const scenarios: PeerScenario[] = [
        {
          name: 'client_credentials, client_secret_basic, ES256 JWT',
          loads: { Gatehouse: clientCredentials(gatehouse, fixture), 'oidc-provider': peer.token, 'bare node:http': retarget(clientCredentials(gatehouse, fixture), bare) },
          targets: { overPeer: 4, overBare: 0.4 },
        },
        {
          name: 'introspection (Gatehouse: a valid JWT; oidc-provider: its opaque token)',
          loads: { Gatehouse: introspection(gatehouse, fixture), 'oidc-provider': peer.introspection, 'bare node:http': retarget(introspection(gatehouse, fixture), bare) },
          targets: { overPeer: 3 },
        },
      ].filter((scenario) => selected(options, scenario.name));

      const rows: Row[] = [];
      for (const scenario of scenarios) {
        for (const name of SERVERS) await run({ ...scenario.loads[name], connections: options.connections, duration: WARM_UP_SECONDS });
        const results = Object.fromEntries(SERVERS.map((name) => [name, [] as MeasuredResult[]])) as Record<ServerName, MeasuredResult[]>;
        for (let index = 0; index < options.runs; index++) {
          for (const name of SERVERS) {
            const result = await runMeasuringCpu({ ...scenario.loads[name], connections: options.connections, duration: options.duration }, servers[name]?.pid ?? 0);
            results[name].push(result);
            console.log(
              `${scenario.name}\trun ${index + 1}\t${name}\t${Math.round(result.requests.average)} req/s\tp99 ${result.latency.p99} ms\tCPU/request: server ${Math.round(result.cpu?.server ?? 0)} µs, autocannon ${Math.round(result.cpu?.loadGenerator ?? 0)} µs`,
            );
          }
        }
        for (const name of SERVERS) rows.push({ scenario: scenario.name, server: name, ...median(results[name]), rssMiB: rssMiB(servers[name]?.pid ?? 0) });
      }

      const ratios = scenarios.map((scenario) => {
        const row = (server: ServerName) => rows.find((candidate) => candidate.scenario === scenario.name && candidate.server === server);
        const rate = (server: ServerName) => row(server)?.requestsPerSecond ?? 0;
        const cpu = (server: ServerName) => row(server)?.cpu?.server ?? 0;
        return {
          scenario: scenario.name,
          gatehouseOverOidcProvider: rate('Gatehouse') / rate('oidc-provider'),
          gatehouseOverBare: rate('Gatehouse') / rate('bare node:http'),
          // Tokens per CPU-second: how many times fewer CPU microseconds a request costs Gatehouse than oidc-provider.
          cpuEfficiencyOverOidcProvider: cpu('oidc-provider') / cpu('Gatehouse'),
          text: [
            ratio(rate('Gatehouse'), rate('oidc-provider'), scenario.targets.overPeer),
            ratio(rate('Gatehouse'), rate('bare node:http'), scenario.targets.overBare),
            cpu('Gatehouse') === 0 ? 'n/a' : `${(cpu('oidc-provider') / cpu('Gatehouse')).toFixed(2)}x`,
          ],
        };
      });
      const markdown = [
        `# Gatehouse vs oidc-provider vs bare node:http, ${new Date().toISOString()}`,
        '',
        `${machine()}; ${describe(options)}; servers alternating run by run (Gatehouse, oidc-provider, bare, ...), each in its own process. Gatehouse: \`serve\`, embedded store, ES256. oidc-provider: one confidential client, RFC 9068 JWT access tokens (ES256) through resource indicators. bare: node:http reading the body with URLSearchParams, answering a small JSON, sent the same request as Gatehouse.`,
        '',
        table(
          ['scenario', 'server', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU µs/request', 'autocannon CPU µs/request', 'server RSS MiB', 'runs (req/s)'],
          ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
          rows.map((row) => [row.scenario, row.server, row.requestsPerSecond, row.p50, row.p99, row.errors, row.cpu?.server ?? '', row.cpu?.loadGenerator ?? '', row.rssMiB, row.runs.join(', ')]),
        ),
        '',
        table(
          ['scenario', 'Gatehouse / oidc-provider (requests/s)', 'Gatehouse / bare node:http (requests/s)', 'oidc-provider / Gatehouse (server CPU per request)'],
          ['l', 'r', 'r', 'r'],
          ratios.map((row) => [row.scenario, ...row.text]),
        ),
        '',
        'Server CPU per request is every thread of the server process (user + system, from /proc, median of the runs); autocannon runs in the runner process on the same cores, and its CPU per request is the share of the machine no server can use.',
        '',
      ].join('\n');
      const files = writeResults('peer-', { mode: 'peer', options, rows, ratios: ratios.map(({ text: _text, ...numbers }) => numbers) }, markdown);
      console.log(`\n${markdown}\nwritten: ${files.join(', ')}`);
    } finally {
      for (const server of Object.values(servers)) await server.stop();
    }
  });
}
