import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandingJson, BrowserSessionJson, ConsentJson } from '../../src/admin-api/wire.js';
import { generateSecret } from '../../src/keys/secret-digest.js';
import type { BrowserSession } from '../../src/sign-in/browser-session.js';
import { auditPage } from '../helpers/audit.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const HOUR = 3_600_000;

interface ErrorJson {
  error: string;
  error_description: string;
  field?: string;
}

describe.each(STORES)('admin API: browser sessions, consents and branding on %s', (store) => {
  let server: TestServer;
  let alice: { id: string };
  let bob: { id: string };
  let clientId: string;
  /** Cookie values of the sessions made here: they must never appear in an answer. */
  const cookieValues: string[] = [];

  async function createUser(username: string): Promise<{ id: string }> {
    const response = await server.admin('POST', '/users', { username, password: `${username} password 1` });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  }

  /** Starts a browser session as the sign-in pages would: a random cookie value, stored as its keyed digest. */
  async function startSession(userId: string, change: Partial<BrowserSession> = {}): Promise<string> {
    const cookieValue = generateSecret();
    cookieValues.push(cookieValue);
    const now = Date.now();
    const session: BrowserSession = {
      idDigest: server.gatehouse.digester.digest(cookieValue),
      userId,
      authTime: now,
      amr: ['pwd'],
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: now + HOUR,
      absoluteExpiresAt: now + 8 * HOUR,
      endedAt: null,
      userAgent: 'Mozilla/5.0 (test)',
      sourceAddress: '192.0.2.7',
      ...change,
    };
    await server.gatehouse.signInStores.sessions.insert(session);
    return session.idDigest;
  }

  async function sessionsOf(query: string): Promise<{ sessions: BrowserSessionJson[]; total: number; limit: number; offset: number }> {
    const response = await server.admin('GET', `/sessions${query}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { sessions: BrowserSessionJson[]; total: number; limit: number; offset: number };
    for (const value of cookieValues) expect(JSON.stringify(body)).not.toContain(value);
    return body;
  }

  beforeAll(async () => {
    server = await startTestServer({ store });
    alice = await createUser('alice');
    bob = await createUser('bob');
    clientId = (await server.createClient({ client_name: 'Photo app' })).client_id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses every route without the admin token', async () => {
    for (const [method, path] of [
      ['GET', '/sessions'],
      ['DELETE', `/sessions/${'a'.repeat(43)}`],
      ['DELETE', '/users/alice/sessions'],
      ['GET', '/consents'],
      ['DELETE', `/consents/alice/${clientId}`],
      ['GET', '/branding'],
      ['PUT', '/branding'],
    ]) {
      const response = await fetch(`${server.url}/admin/api${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it('lists live sessions newest first, by id or username, with paging, never a cookie value', async () => {
    const now = Date.now();
    const older = await startSession(alice.id, { createdAt: now - 60_000, authTime: now - 60_000, amr: ['pwd', 'pin'] });
    const newer = await startSession(alice.id);
    await startSession(alice.id, { endedAt: now - 1000 });
    await startSession(alice.id, { idleExpiresAt: now - 1000 });
    const bobs = await startSession(bob.id, { userAgent: null });

    const all = await sessionsOf('');
    expect(all.total).toBe(3);
    // Newest first: the one started a minute ago comes last.
    expect(all.sessions.at(-1)?.id).toBe(older);
    expect(new Set(all.sessions.map((session) => session.id))).toEqual(new Set([older, newer, bobs]));
    const shown = all.sessions.find((session) => session.id === older);
    expect(shown).toMatchObject({ user_id: alice.id, username: 'alice', amr: ['pwd', 'pin'], user_agent: 'Mozilla/5.0 (test)', source_address: '192.0.2.7' });
    expect(Date.parse(shown?.auth_time ?? '')).toBe(now - 60_000);
    expect(all.sessions.find((session) => session.id === bobs)?.user_agent).toBeNull();

    for (const user of ['alice', 'ALICE', alice.id]) {
      const mine = await sessionsOf(`?user=${encodeURIComponent(user)}`);
      expect(mine.total).toBe(2);
      expect(mine.sessions.map((session) => session.id)).toEqual([newer, older]);
    }
    const page = await sessionsOf('?user=alice&limit=1&offset=1');
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.sessions.map((session) => session.id)).toEqual([older]);
  });

  it('refuses an unknown user and bad paging with the RFC error form', async () => {
    const unknown = await server.admin('GET', '/sessions?user=nobody');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorJson).error).toBe('not_found');
    const badLimit = await server.admin('GET', '/sessions?limit=0');
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as ErrorJson).field).toBe('limit');
    const twice = await server.admin('GET', '/consents?user=alice&user=bob');
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as ErrorJson).field).toBe('user');
  });

  it('ends one session (audited), then answers 404 for it', async () => {
    const id = await startSession(bob.id);
    const ended = await server.admin('DELETE', `/sessions/${id}`);
    expect(ended.status).toBe(204);
    expect((await server.gatehouse.signInStores.sessions.get(id))?.endedAt).not.toBeNull();
    expect((await sessionsOf('?user=bob')).sessions.map((session) => session.id)).not.toContain(id);

    const again = await server.admin('DELETE', `/sessions/${id}`);
    expect(again.status).toBe(404);
    expect(((await again.json()) as ErrorJson).error).toBe('not_found');
    for (const bad of ['not-a-digest', 'x'.repeat(90), `${'a'.repeat(42)}!`]) expect((await server.admin('DELETE', `/sessions/${bad}`)).status).toBe(404);

    await server.gatehouse.audit.flush();
    const events = (await auditPage(server, { action: 'browser_session.end' })).events;
    expect(events.map((event) => [event.target, event.outcome, event.status])).toEqual(
      expect.arrayContaining([
        [id, 'success', 204],
        [id, 'failure', 404],
      ]),
    );
  });

  it("ends every live session of a user named by username or id, and no one else's", async () => {
    const carol = await createUser('carol');
    await startSession(carol.id);
    await startSession(carol.id);
    const bobsBefore = (await sessionsOf('?user=bob')).total;
    const response = await server.admin('DELETE', '/users/CAROL/sessions');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user_id: carol.id, ended: 2 });
    expect((await sessionsOf('?user=carol')).total).toBe(0);
    expect((await sessionsOf('?user=bob')).total).toBe(bobsBefore);
    expect(await (await server.admin('DELETE', `/users/${carol.id}/sessions`)).json()).toEqual({ user_id: carol.id, ended: 0 });
    expect((await server.admin('DELETE', '/users/nobody/sessions')).status).toBe(404);

    await server.gatehouse.audit.flush();
    const events = (await auditPage(server, { action: 'user.end_sessions' })).events;
    expect(events.some((event) => event.target === 'CAROL' && event.outcome === 'success')).toBe(true);
  });

  it('lists consents by user and client, and withdraws one (audited with the client)', async () => {
    const other = (await server.createClient({ client_name: 'Other app' })).client_id;
    const consents = server.gatehouse.signInStores.consents;
    await consents.grant(alice.id, clientId, ['openid', 'profile'], Date.now() - 1000);
    await consents.grant(alice.id, other, ['openid'], Date.now());
    await consents.grant(bob.id, clientId, ['photos:read'], Date.now());

    const list = async (query: string) => {
      const response = await server.admin('GET', `/consents${query}`);
      expect(response.status).toBe(200);
      return (await response.json()) as { consents: ConsentJson[]; total: number };
    };
    const alices = await list('?user=alice');
    expect(alices.total).toBe(2);
    expect(alices.consents.map((consent) => consent.client_id)).toEqual([other, clientId]);
    expect(alices.consents[1]).toMatchObject({ user_id: alice.id, username: 'alice', client_id: clientId, client_name: 'Photo app', scope: 'openid profile' });
    expect((await list(`?client=${clientId}`)).consents.map((consent) => consent.username).sort()).toEqual(['alice', 'bob']);
    expect((await list(`?user=${bob.id}&client=${clientId}`)).total).toBe(1);
    expect((await list('')).total).toBe(3);
    expect((await server.admin('GET', '/consents?client=no-such-client')).status).toBe(404);

    expect((await server.admin('DELETE', `/consents/alice/${clientId}`)).status).toBe(204);
    expect(await consents.get(alice.id, clientId)).toBeUndefined();
    expect(await consents.get(bob.id, clientId)).toBeDefined();
    const again = await server.admin('DELETE', `/consents/alice/${clientId}`);
    expect(again.status).toBe(404);
    expect(((await again.json()) as ErrorJson).error).toBe('not_found');
    expect((await server.admin('DELETE', `/consents/nobody/${clientId}`)).status).toBe(404);

    await server.gatehouse.audit.flush();
    const events = (await auditPage(server, { action: 'consent.withdraw', client_id: clientId })).events;
    expect(events.map((event) => [event.target, event.outcome])).toEqual(
      expect.arrayContaining([
        [`alice/${clientId}`, 'success'],
        [`alice/${clientId}`, 'failure'],
      ]),
    );
  });

  it('keeps the branding in the settings the pages read, validated field by field', async () => {
    const initial = await server.admin('GET', '/branding');
    expect(initial.status).toBe(200);
    expect(await initial.json()).toEqual({ product_name: 'Gatehouse', logo_url: null, primary_colour: '#1f5fbf', background_colour: '#ffffff' } satisfies BrandingJson);

    const wanted = { product_name: '  Example Corp ', logo_url: 'https://cdn.example.com/logo.svg', primary_colour: '#AA3300', background_colour: '#fafafa' };
    const put = await server.admin('PUT', '/branding', wanted);
    expect(put.status).toBe(200);
    const saved = { ...wanted, product_name: 'Example Corp', primary_colour: '#aa3300' };
    expect(await put.json()).toEqual(saved);
    expect(await (await server.admin('GET', '/branding')).json()).toEqual(saved);
    expect(JSON.parse((await server.gatehouse.settings.get('branding')) ?? '{}')).toEqual({
      productName: 'Example Corp',
      logoUrl: 'https://cdn.example.com/logo.svg',
      primaryColour: '#aa3300',
      backgroundColour: '#fafafa',
    });

    for (const [body, field] of [
      [{ primary_colour: 'red' }, 'primary_colour'],
      [{ background_colour: '#12345' }, 'background_colour'],
      [{ logo_url: 'http://cdn.example.com/logo.svg' }, 'logo_url'],
      [{ logo_url: 'https://user:pw@cdn.example.com/logo.svg' }, 'logo_url'],
      [{ logo_url: 'javascript:alert(1)' }, 'logo_url'],
      [{ product_name: '' }, 'product_name'],
      [{ product_name: 'x'.repeat(101) }, 'product_name'],
      [{ product_name: 'a\nb' }, 'product_name'],
      [{ colour: '#000000' }, 'colour'],
      [[], 'body'],
    ] as const) {
      const response = await server.admin('PUT', '/branding', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as ErrorJson).field).toBe(field);
    }
    expect(await (await server.admin('GET', '/branding')).json()).toEqual(saved);

    // PUT replaces: absent fields take their defaults.
    expect(await (await server.admin('PUT', '/branding', { product_name: 'Only a name' })).json()).toEqual({
      product_name: 'Only a name',
      logo_url: null,
      primary_colour: '#1f5fbf',
      background_colour: '#ffffff',
    });
    await server.gatehouse.audit.flush();
    const events = (await auditPage(server, { action: 'settings.branding.update' })).events;
    expect(events.filter((event) => event.outcome === 'success')).toHaveLength(2);
    expect(events.filter((event) => event.outcome === 'failure')).toHaveLength(10);
  });
});
