import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditActionsJson, OverviewJson } from '../../src/admin-api/wire.js';
import { auditPage, type AuditJson } from '../helpers/audit.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** A claimed client id that a spreadsheet would misread: a formula, a comma, a quote and a line break. */
const NASTY_CLIENT = '=HYPERLINK("x"),1\nnext';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF records) into rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index++;
    } else field += character;
  }
  return rows;
}

describe.each(STORES)('audit overview and export on %s', (store) => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    client = await server.createClient({ client_id: 'overview-app', grant_types: ['client_credentials', 'password'], scope: 'read' });
    const user = await server.admin('POST', '/users', { username: 'olivia', password: 'olivia password 1' });
    expect(user.status).toBe(201);
    userId = ((await user.json()) as { id: string }).id;
    const token = (params: Record<string, string>, secret = client.client_secret, id = client.client_id) => postForm(`${server.url}/oauth/token`, params, { authorization: basicAuth(id, secret) });
    for (let index = 0; index < 3; index++) expect((await token({ grant_type: 'client_credentials' })).status).toBe(200);
    expect((await token({ grant_type: 'password', username: 'olivia', password: 'olivia password 1' })).status).toBe(200);
    expect((await token({ grant_type: 'client_credentials' }, 'a wrong secret')).status).toBe(401);
    expect((await token({ grant_type: 'client_credentials' }, 'a wrong secret', NASTY_CLIENT)).status).toBe(401);
    expect((await token({ grant_type: 'client_credentials', scope: 'not-allowed' })).status).toBe(400);
    // Issued tokens are written in batches: write them now.
    await server.gatehouse.audit.flush();
  });
  afterAll(async () => {
    await server.close();
  });

  const exportOf = (query: Record<string, string>) => server.admin('GET', `/audit/export?${new URLSearchParams(query).toString()}`);

  it('counts tokens, refusals and clients per minute bucket of the last hour', async () => {
    const response = await server.admin('GET', '/overview?window=hour');
    expect(response.status).toBe(200);
    const overview = (await response.json()) as OverviewJson;
    expect(overview.health.store.error).toBeNull();
    expect(overview).toMatchObject({ window: 'hour', bucket_seconds: 60, counted: true });
    expect(overview.buckets).toHaveLength(60);
    // Each series counts what the audit log holds, in the bucket of each event's time.
    const expected = (events: AuditJson[]) => overview.buckets.map((start) => events.filter((event) => Math.floor(Date.parse(event.at) / 60_000) * 60 === start).length);
    const issued = (await auditPage(server, { action: 'token.issued', limit: '500' })).events;
    const byGrant = Object.fromEntries(overview.tokens_issued.map((series) => [series.name, series]));
    expect(byGrant.client_credentials?.total).toBe(3);
    expect(byGrant.password?.total).toBe(1);
    expect(byGrant.client_credentials?.counts).toEqual(expected(issued.filter((event) => event.grant_type === 'client_credentials')));
    const refused = (await auditPage(server, { action: 'token.refused', limit: '500' })).events;
    expect(refused).toHaveLength(3);
    expect(overview.refused).toEqual([{ name: 'token.refused', counts: expected(refused), total: 3 }]);
    expect(overview.refusal_reasons).toEqual([
      { reason: 'invalid_client', count: 2 },
      { reason: 'invalid_scope', count: 1 },
    ]);
    expect(overview.busiest_clients[0]).toEqual({ client_id: 'overview-app', issued: 4, refused: 2 });
    expect(overview.busiest_clients).toContainEqual({ client_id: NASTY_CLIENT, issued: 0, refused: 1 });
    expect(overview.health.store).toMatchObject({ engine: store, available: true, error: null });
    expect(overview.health.change_feed.listening).toBe(store === 'postgres' ? true : null);
    expect(overview.health.change_feed.last_read_at).not.toBeNull();
  });

  it('counts the day in 15-minute buckets and refuses an unknown window', async () => {
    const day = (await (await server.admin('GET', '/overview?window=day')).json()) as OverviewJson;
    expect(day.buckets).toHaveLength(96);
    expect(day.buckets[1]! - day.buckets[0]!).toBe(900);
    expect(day.tokens_issued.reduce((sum, series) => sum + series.total, 0)).toBe(4);
    const wrong = await server.admin('GET', '/overview?window=week');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_request', field: 'window' });
  });

  it('lists the known actions and filters by an action prefix, with LIKE wildcards taken literally', async () => {
    const actions = (await (await server.admin('GET', '/audit/actions')).json()) as AuditActionsJson;
    expect(actions.actions).toEqual(expect.arrayContaining(['token.issued', 'token.refused', 'client.create', 'sign-in.failed']));
    expect(actions.prefixes).toEqual(expect.arrayContaining(['token.', 'client.', 'user.']));
    const tokens = await auditPage(server, { action: 'token.', limit: '500' });
    expect(tokens.total).toBe(7);
    expect(new Set(tokens.events.map((event) => event.action))).toEqual(new Set(['token.issued', 'token.refused']));
    expect((await auditPage(server, { action: 'tok_n.' })).total).toBe(0);
    expect((await auditPage(server, { action: '%.' })).total).toBe(0);
    expect((await auditPage(server, { action: 'token' })).total).toBe(0);
  });

  it('takes a username as the subject', async () => {
    const byName = await auditPage(server, { subject: 'olivia' });
    expect(byName.total).toBe(1);
    expect(byName.events[0]).toMatchObject({ action: 'token.issued', grant_type: 'password', subject: userId });
    expect((await auditPage(server, { subject: userId })).total).toBe(1);
  });

  it('exports CSV with every field escaped and formulas defused', async () => {
    const response = await exportOf({ format: 'csv', action: 'token.' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="gatehouse-audit-[\dT-]+Z\.csv"$/);
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual(['id', 'at', 'actor', 'action', 'target', 'outcome', 'status', 'reason', 'client_id', 'source_address', 'grant_type', 'subject', 'scope', 'jti', 'expires_at']);
    expect(rows).toHaveLength(8);
    const nasty = rows.find((row) => row[8]?.includes('HYPERLINK'));
    expect(nasty?.[8]).toBe(`'${NASTY_CLIENT}`);
    expect(nasty?.[4]).toBe(`'${NASTY_CLIENT}`);
    expect(nasty?.[7]).toMatch(/^invalid_client: /);
    expect(rows.every((row) => row.length === 15)).toBe(true);
  });

  it('exports NDJSON whose lines parse, newest first, with the same filters', async () => {
    const response = await exportOf({ format: 'ndjson', subject: 'olivia' });
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text()).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as AuditJson)).toEqual([expect.objectContaining({ subject: userId, grant_type: 'password' })]);
    const all = (await (await exportOf({ format: 'ndjson', client_id: 'overview-app' })).text()).trim().split('\n');
    const listed = await auditPage(server, { client_id: 'overview-app', limit: '500' });
    expect(all.map((line) => (JSON.parse(line) as AuditJson).id)).toEqual(listed.events.map((event) => event.id));
    const wrong = await exportOf({ format: 'xlsx' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ field: 'format' });
  });
});
