import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** Tokens issued in one burst. */
const BURST = 200;
/** The batch timer of issued-token audit events in this test. */
const AUDIT_FLUSH_MS = 3_000;

/**
 * The hot paths answer from memory: no statement of theirs reaches the database once the caches are
 * loaded; their audit events are written in batches, a few statements for a burst of tokens.
 */
describe.each(STORES)('hot paths without database round trips on %s', (store) => {
  let server: TestServer;
  let authorization: string;

  beforeAll(async () => {
    // Audit batches every 3 s: the burst fits in a few batches even when a loaded machine takes many
    // seconds for it (at the default 200 ms, a slow burst alone would make more than 10 statements).
    server = await startTestServer({ store, config: { auditFlushMs: AUDIT_FLUSH_MS } });
    const client = await server.createClient();
    authorization = basicAuth(client.client_id, client.client_secret);
    // Stop the change feed's timer so that only request-driven statements would be counted.
    server.gatehouse.changes.stop();
    // ...and let a read the timer had already started finish before anything is counted.
    await server.gatehouse.changes.pollNow();
  });
  afterAll(async () => {
    await server.close();
  });

  it('client_credentials, introspection and the JWKS run no statement of their own; a burst of tokens costs a few batched audit writes', async () => {
    await server.gatehouse.audit.flush();
    const { written } = server.gatehouse.audit.queueStats;
    const before = server.gatehouse.store.queryCount();
    const tokens: string[] = [];
    for (let wave = 0; wave < BURST / 50; wave++) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization })));
      for (const response of responses) {
        expect(response.status).toBe(200);
        tokens.push(((await response.json()) as { access_token: string }).access_token);
      }
    }
    const introspection = await postForm(`${server.url}/oauth/introspect`, { token: tokens[0]! }, { authorization });
    expect(((await introspection.json()) as { active: boolean }).active).toBe(true);
    expect((await fetch(`${server.url}/oauth/jwks`)).status).toBe(200);
    // The token.issued events arrive by the batch timer, not by a statement per token.
    await expect.poll(() => server.gatehouse.audit.queueStats.written - written, { timeout: 10 * AUDIT_FLUSH_MS }).toBe(BURST);
    const statements = server.gatehouse.store.queryCount() - before;
    console.info(`${BURST} tokens on ${store}: ${statements} audit statement(s)`);
    expect(statements).toBeGreaterThanOrEqual(1);
    expect(statements).toBeLessThanOrEqual(10);

    const issued = (await (await server.admin('GET', `/audit?action=token.issued&limit=500`)).json()) as { events: { jti: string }[] };
    const jtis = tokens.map((token) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti);
    expect(issued.events.map((event) => event.jti).sort()).toEqual(jtis.sort());
  });

  it('a refused token request writes its audit event, and nothing else', async () => {
    const before = server.gatehouse.store.queryCount();
    expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('nobody', 'wrong') })).status).toBe(401);
    expect(server.gatehouse.store.queryCount()).toBe(before + 1);
    const events = (await (await server.admin('GET', '/audit?outcome=failure&client_id=nobody')).json()) as { events: unknown[] };
    expect(events.events).toHaveLength(1);
  });

  it('counts statements at all (the check above is not vacuous)', async () => {
    const before = server.gatehouse.store.queryCount();
    const response = await server.admin('GET', '/clients');
    expect(response.status).toBe(200);
    expect(server.gatehouse.store.queryCount()).toBeGreaterThan(before);
  });
});
