import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditPage } from '../helpers/audit.js';
import { freezeDate } from '../helpers/frozen-date.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface LaunchBody {
  launch_url: string;
  expires_in: number;
}
interface ErrorBody {
  error: string;
  error_description: string;
}

const TARGET = 'https://bi.example/embed/dashboard';

describe.each(STORES)('launch links of the embedding hand-off on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let other: { client_id: string; client_secret: string };
  let endpoint: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    endpoint = `${server.url}/api/auth/sign/ap/launch`;
    app = await server.createClient({ scope: 'users', allowed_origins: ['https://bi.example'] });
    other = await server.createClient({ scope: 'users', allowed_origins: ['https://other.example'] });
  });
  afterAll(async () => {
    await server.close();
  });

  async function tokenOf(client: { client_id: string; client_secret: string }): Promise<string> {
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }
  const ask = (params: Record<string, string> | string, headers: Record<string, string> = { authorization: basicAuth(app.client_id, app.client_secret) }) => postForm(endpoint, params, headers);
  async function launchUrl(params: Record<string, string> | string): Promise<string> {
    const response = await ask(params);
    const body = (await response.json()) as LaunchBody;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body.launch_url;
  }
  const open = (url: string) => fetch(url, { redirect: 'manual' });

  it('hands the token to a browser once: cookie, 303 to the target with only the pass-through parameters', async () => {
    const token = await tokenOf(app);
    const body = `access_token=${token}&target=${encodeURIComponent(TARGET)}&VS_view=sales&VN_year=2026&VS_view=north&secret=x&vs_lower=no&client_id=${app.client_id}`;
    const response = await postForm(endpoint, body, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const launch = (await response.json()) as LaunchBody;
    expect(launch.expires_in).toBe(60);
    expect(launch.launch_url).toMatch(new RegExp(`^${server.url}/launch/[A-Za-z0-9_-]{43}$`));

    const opened = await open(launch.launch_url);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`${TARGET}?VS_view=sales&VS_view=north&VN_year=2026`);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = opened.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gatehouse_access_token=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(/^gatehouse_access_token=([^;]+)/.exec(cookie)?.[1]).toBe(token);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(7000);
    expect(maxAge).toBeLessThanOrEqual(7200);
    // The cookie works on the protected resources.
    expect((await fetch(`${server.url}/api/users`, { headers: { cookie: `gatehouse_access_token=${token}` } })).status).toBe(200);

    const again = await open(launch.launch_url);
    expect(again.status).toBe(410);
    expect(again.headers.get('location')).toBeNull();
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await again.text()).toContain('already been used');

    const made = await auditPage(server, { action: 'app_token.launch', client_id: app.client_id, outcome: 'success' });
    expect(made.events.length).toBeGreaterThanOrEqual(1);
    const opens = await auditPage(server, { action: 'app_token.launch_open', client_id: app.client_id });
    expect(opens.events.map((event) => event.outcome).sort()).toEqual(['failure', 'success']);
    expect(JSON.stringify([made, opens])).not.toContain(token);
  });

  it('keeps the link as a digest and the token sealed', async () => {
    const token = await tokenOf(app);
    const url = await launchUrl({ access_token: token, target: TARGET });
    const id = url.slice(url.lastIndexOf('/') + 1);
    const rows = await server.gatehouse.store.db.selectFrom('app_token_launches').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain(id);
  });

  it('refuses an expired link with 410 and no redirect', async () => {
    const clock = freezeDate();
    try {
      const url = await launchUrl({ access_token: await tokenOf(app), target: TARGET });
      clock.advance(61_000);
      const opened = await open(url);
      expect(opened.status).toBe(410);
      expect(opened.headers.get('location')).toBeNull();
      expect(await opened.text()).toContain('expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses unknown and malformed links with 400', async () => {
    const unknown = await open(`${server.url}/launch/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    expect(unknown.headers.get('cache-control')).toBe('no-store');
    expect((await open(`${server.url}/launch/short`)).status).toBe(400);
  });

  it('opens a link exactly once under concurrent opens', async () => {
    const url = await launchUrl({ access_token: await tokenOf(app), target: TARGET, VS_a: '1' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => open(url)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([303, 410, 410, 410, 410, 410]);
    expect(answers.filter((answer) => answer.headers.get('set-cookie') !== null)).toHaveLength(1);
  });

  it('refuses targets outside the allowed origins, with a query, or not http(s)', async () => {
    const token = await tokenOf(app);
    for (const target of [
      'https://evil.example/embed',
      'https://bi.example.evil.example/',
      'http://bi.example/embed',
      'https://bi.example:8443/',
      'https://user@bi.example/',
      `${TARGET}?x=1`,
      `${TARGET}#f`,
      'javascript:alert(1)',
      '/relative',
    ]) {
      const response = await ask({ access_token: token, target });
      const body = (await response.json()) as ErrorBody;
      expect(response.status, target).toBe(400);
      expect(body.error, target).toBe('invalid_request');
    }
    const missing = await ask({ access_token: token });
    expect(missing.status).toBe(400);
  });

  it("refuses another client's token, a bad token, a revoked one, and a link whose token was revoked", async () => {
    const foreign = await ask({ access_token: await tokenOf(other), target: TARGET });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as ErrorBody).error).toBe('invalid_grant');
    const forged = await ask({ access_token: 'a.b.c', target: TARGET });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as ErrorBody).error).toBe('invalid_grant');

    const token = await tokenOf(app);
    const url = await launchUrl({ access_token: token, target: TARGET });
    const revoked = await postForm(`${server.url}/oauth/revoke`, { token }, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(revoked.status).toBe(200);
    const opened = await open(url);
    expect(opened.status).toBe(410);
    expect(opened.headers.get('set-cookie')).toBeNull();
    const afterRevocation = await ask({ access_token: token, target: TARGET });
    expect(afterRevocation.status).toBe(400);
  });

  it('is for servers only: browsers (Origin) are refused, never CORS; the secret is required', async () => {
    const token = await tokenOf(app);
    const browser = await postForm(endpoint, { access_token: token, target: TARGET }, { authorization: basicAuth(app.client_id, app.client_secret), origin: 'https://bi.example' });
    expect(browser.status).toBe(403);
    expect(browser.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(endpoint, { method: 'OPTIONS', headers: { origin: 'https://bi.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect((await ask({ access_token: token, target: TARGET }, {})).status).toBe(401);
    expect((await ask({ access_token: token, target: TARGET }, { authorization: basicAuth(app.client_id, 'wrong secret') })).status).toBe(401);
    expect((await ask({ access_token: token, target: TARGET }, { authorization: basicAuth(other.client_id, other.client_secret) })).status).toBe(400);
    const get = await fetch(endpoint);
    expect(get.status).toBe(405);
    const refused = await auditPage(server, { action: 'app_token.launch', outcome: 'failure' });
    expect(refused.events.length).toBeGreaterThanOrEqual(4);
  });
});
