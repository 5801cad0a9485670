import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from '../helpers/audit.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const METRICS_TOKEN = 'metrics-token-for-admin-auth-audit';
const BURST = 500;
/** Requests in flight at once during the burst. */
const PARALLEL = 25;

/** The requests an attacker without credentials makes: changes with targets of its choosing, reads, a wrong token. */
function unauthenticated(url: string, i: number): Promise<Response> {
  const api = `${url}/admin/api`;
  const json = { 'content-type': 'application/json' };
  switch (i % 7) {
    case 0:
      return fetch(`${api}/clients`, { method: 'POST', headers: json, body: JSON.stringify({ client_id: `chosen-${i}` }) });
    case 1:
      return fetch(`${api}/clients/victim-${i}`, { method: 'DELETE' });
    case 2:
      return fetch(`${api}/users/someone-${i}/password`, { method: 'POST', headers: { ...json, authorization: `Bearer wrong-token-${i}` }, body: '{}' });
    case 3:
      return fetch(`${api}/clients/victim-${i}`, { method: 'PATCH', headers: { ...json, cookie: `gatehouse_admin_session=forged-${i}` }, body: '{}' });
    case 4:
      // Signing out without a session, and a sign-in without credentials: no administrator behind either.
      return fetch(`${api}/session`, { method: 'DELETE' });
    case 5:
      return fetch(`${api}/session`, { method: 'POST', headers: json, body: JSON.stringify({ target: `chosen-${i}` }) });
    default:
      return fetch(`${api}/clients`);
  }
}

async function counterValue(server: TestServer): Promise<number> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^gatehouse_admin_authentication_failures_total(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match) total += Number(match[1]);
  }
  return total;
}

/**
 * Unauthenticated admin API requests are recorded sampled per source address (one audit row per address and
 * minute), and counted in full by a metric: a caller without credentials cannot fill the audit log.
 */
describe.each(STORES)('failed admin authentication on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { metricsToken: METRICS_TOKEN, adminPassword: 'the-console-password', adminSignInLimitPerAddress: 3 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it(`a burst of ${BURST} unauthenticated requests writes at most a handful of audit rows, and the counter counts every failed authentication`, async () => {
    const rowsBefore = (await auditPage(server)).total;
    const countedBefore = await counterValue(server);
    const statuses = new Map<number, number>();
    for (let start = 0; start < BURST; start += PARALLEL) {
      const batch = await Promise.all(Array.from({ length: PARALLEL }, (_, j) => unauthenticated(server.url, start + j)));
      for (const response of batch) {
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await response.body?.cancel();
      }
    }
    // 500 = 7 x 71 + 3: kinds 0-2 come 72 times each.
    expect(Object.fromEntries(statuses)).toEqual({ 204: 71, 400: 71, 401: BURST - 142 });
    await server.gatehouse.audit.flush();
    const page = await auditPage(server, { limit: '500' });
    const rowsWritten = page.total - rowsBefore;
    console.log(`${store}: ${BURST} unauthenticated admin requests wrote ${rowsWritten} audit rows`);
    expect(rowsWritten).toBeGreaterThanOrEqual(1);
    // One per kind of refusal and address: failed authentication, a sign-out and a sign-in without anybody.
    expect(rowsWritten).toBeLessThanOrEqual(3);
    // The sampled row names no target the caller chose.
    const sampled = page.events.find((event) => event.action === 'admin.authentication_failed');
    expect(sampled).toMatchObject({ actor: 'anonymous', outcome: 'failure', status: 401, target: null, source_address: '127.0.0.1' });
    expect(JSON.stringify(page.events)).not.toMatch(/chosen-|victim-|someone-|wrong-token-|forged-/);
    // Every failed authentication is counted (sign-out and sign-in are no authentication failures).
    expect((await counterValue(server)) - countedBefore).toBe(BURST - 142);
  });

  it('sign-in attempts refused by the throttle (429) are recorded once per address and minute', async () => {
    const rowsBefore = (await auditPage(server, { action: 'session.sign_in' })).total;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await fetch(`${server.url}/admin/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: `wrong-${i}` }),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
    // The three password checks each leave a row; the 27 refusals one between them.
    expect((await auditPage(server, { action: 'session.sign_in' })).total - rowsBefore).toBe(4);
  });
});
