import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { freezeDate } from '../helpers/frozen-date.js';
import { STORES, basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

describe('CORS for registered origins and cookie renewal', () => {
  let server: TestServer;
  let token: string;
  let disabledOrigin: string;
  /** Its tokens live one second. */
  let brief: { client_id: string; client_secret: string };

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { cookieRenewFraction: 0.995, commandsDir: undefined } });
    const client = await server.createClient({ scope: 'users', allowed_origins: ['https://portal.example'], access_token_lifetime: 100 });
    const disabled = await server.createClient({ scope: 'users', allowed_origins: ['https://old.example'], enabled: false });
    disabledOrigin = 'https://old.example';
    expect(disabled.client_id).toBeTruthy();
    await server.createClient({ scope: 'users', allowed_origins: ['https://expired.example'], expires_at: '2020-01-01' });
    token = (
      (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
    brief = await server.createClient({ scope: 'users', access_token_lifetime: 1 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers CORS with credentials for a registered origin, preflights included', async () => {
    const preflight = await fetch(`${server.url}/api/users`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const actual = await fetch(`${server.url}/api/users`, { headers: { origin: 'https://portal.example', authorization: `Bearer ${token}` } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://portal.example');
  });

  it('gives other origins, disabled and expired clients’ origins and near misses no CORS headers', async () => {
    for (const origin of ['https://evil.example', disabledOrigin, 'https://expired.example', 'https://portal.example:8443', 'http://portal.example', 'null']) {
      const response = await fetch(`${server.url}/api/users`, { headers: { origin, authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const preflight = await fetch(`${server.url}/api/users`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('renews a cookie token late in its life, never a header token or an invalid cookie', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const viaCookie = await fetch(`${server.url}/api/users`, { headers: { cookie: `gatehouse_access_token=${token}` } });
    expect(viaCookie.status).toBe(200);
    const renewed = /^gatehouse_access_token=([^;]+)/.exec(viaCookie.headers.get('set-cookie') ?? '')?.[1];
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(token);
    const claims = (value: string) => JSON.parse(Buffer.from(value.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; scope: string; exp: number };
    expect(claims(renewed ?? '')).toMatchObject({ sub: claims(token).sub, scope: claims(token).scope });
    expect(claims(renewed ?? '').exp).toBeGreaterThan(claims(token).exp);

    const viaHeader = await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(viaHeader.headers.get('set-cookie')).toBeNull();
    const invalid = await fetch(`${server.url}/api/users`, { headers: { cookie: 'gatehouse_access_token=not.a.token' } });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('set-cookie')).toBeNull();

    // A token expired 1 s ago, within the guard's clock tolerance (5 s): on a clock that moves only when told
    // to, so that the request lands inside the tolerance however long the machine takes.
    const clock = freezeDate();
    try {
      const briefToken = (
        (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(brief.client_id, brief.client_secret) })).json()) as {
          access_token: string;
        }
      ).access_token;
      clock.advance(2_000);
      expect(claims(briefToken).exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 1);
      const expired = await fetch(`${server.url}/api/users`, { headers: { cookie: `gatehouse_access_token=${briefToken}` } });
      expect(expired.status).toBe(200); // accepted within the clock tolerance, but never renewed
      expect(expired.headers.get('set-cookie')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('cookie renewal on server commands', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { cookieRenewFraction: 0.995, commandsDir: 'examples/commands' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('renews a cookie token late in its life when it calls a protected command, never a header token', async () => {
    const client = await server.createClient({ scope: 'demo', access_token_lifetime: 100 });
    const token = (
      (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
    const call = (headers: Record<string, string>) => fetch(`${server.url}/api/apps/demo/commands/noop`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    // Renewed once less than 99.5% of its 100 s is left (cookieRenewFraction 0.995).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const viaCookie = await call({ cookie: `gatehouse_access_token=${token}` });
    expect(viaCookie.status).toBeLessThan(300);
    const renewed = /^gatehouse_access_token=([^;]+)/.exec(viaCookie.headers.get('set-cookie') ?? '')?.[1];
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(token);
    const claims = (value: string) => JSON.parse(Buffer.from(value.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; scope: string; exp: number };
    expect(claims(renewed ?? '')).toMatchObject({ sub: client.client_id, scope: 'demo' });
    // The renewed cookie works for the next call.
    expect((await call({ cookie: `gatehouse_access_token=${renewed ?? ''}` })).status).toBeLessThan(300);
    // A token in the Authorization header is never answered with a cookie.
    expect((await call({ authorization: `Bearer ${token}` })).headers.get('set-cookie')).toBeNull();
  });
});

describe('token-delivery settings through the admin API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('renames the cookie and header, and refuses bad values naming the field', async () => {
    const defaults = (await (await server.admin('GET', '/settings/token-delivery')).json()) as Record<string, unknown>;
    expect(defaults).toMatchObject({ cookie_name: 'gatehouse_access_token', header_name: 'X-Gatehouse-Access-Token', cookie_http_only: true, cookie_same_site: 'lax' });
    const updated = await server.admin('PATCH', '/settings/token-delivery', { cookie_name: 'portal_token', header_name: 'X-Portal-Token', cookie_domain: 'example.com' });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ cookie_name: 'portal_token', header_name: 'X-Portal-Token', cookie_domain: 'example.com' });
    for (const [body, field] of [
      [{ cookie_name: 'bad name' }, 'cookie_name'],
      [{ cookie_same_site: 'sometimes' }, 'cookie_same_site'],
      [{ cookie_same_site: 'none', cookie_secure: false }, 'cookie_secure'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const response = await server.admin('PATCH', '/settings/token-delivery', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(field);
    }

    const client = await server.createClient({ scope: 'users' });
    const token = (
      (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
    expect((await fetch(`${server.url}/api/users`, { headers: { cookie: `portal_token=${token}` } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/users`, { headers: { 'x-portal-token': token } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/users`, { headers: { cookie: `gatehouse_access_token=${token}` } })).status).toBe(401);
  });
});

describe('token-delivery settings from the configuration file', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-delivery-'));
    const file = join(dir, 'gatehouse.json');
    writeFileSync(
      file,
      JSON.stringify({
        cookieName: 'app_session',
        cookieDomain: 'example.org',
        cookiePath: '/portal',
        cookieSameSite: 'strict',
        cookieSecure: true,
        cookieHttpOnly: false,
        tokenHeader: 'X-App-Token',
      }),
    );
    const fromFile = loadConfig({ env: {}, configFile: file });
    const { cookieName, cookieDomain, cookiePath, cookieSameSite, cookieSecure, cookieHttpOnly, tokenHeader } = fromFile;
    server = await startTestServer({ store: 'sqlite', config: { cookieName, cookieDomain, cookiePath, cookieSameSite, cookieSecure, cookieHttpOnly, tokenHeader } });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the file’s cookie attributes and header name', async () => {
    expect(await (await server.admin('GET', '/settings/token-delivery')).json()).toEqual({
      cookie_name: 'app_session',
      cookie_domain: 'example.org',
      cookie_path: '/portal',
      cookie_same_site: 'strict',
      cookie_secure: true,
      cookie_http_only: false,
      header_name: 'X-App-Token',
    });
    const app = await server.createClient({ scope: 'users' });
    const generated = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, { kid: 'k1' })).json()) as { private_key_pem: string };
    const now = Math.floor(Date.now() / 1000);
    const request = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(app.client_id)
      .setAudience(server.url)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(createPrivateKey(generated.private_key_pem));
    const response = await postForm(`${server.url}/api/auth/sign/ap/token`, { request, set_cookie: 'true' }, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/^app_session=[^;]+; Max-Age=7200; Domain=example\.org; Path=\/portal; Secure; SameSite=Strict$/);
    const token = ((await response.json()) as { access_token: string }).access_token;
    expect((await fetch(`${server.url}/api/users`, { headers: { 'x-app-token': token } })).status).toBe(200);
  });

  it('refuses an extra header name that already has a meaning', async () => {
    for (const header_name of ['Authorization', 'cookie']) {
      const response = await server.admin('PATCH', '/settings/token-delivery', { header_name });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe('header_name');
    }
    expect(() => loadConfig({ env: { GATEHOUSE_TOKEN_HEADER: 'Authorization' } })).toThrow(/GATEHOUSE_TOKEN_HEADER/);
    expect(() => loadConfig({ env: { GATEHOUSE_COOKIE_HTTP_ONLY: 'maybe' } })).toThrow(/GATEHOUSE_COOKIE_HTTP_ONLY/);
  });
});

describe.each(STORES)('unsafe methods with a cookie-carried token (%s)', (store) => {
  let server: TestServer;
  let cookie: string;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { commandsDir: 'examples/commands' } });
    const client = await server.createClient({ scope: 'users demo', allowed_origins: ['https://portal.example'] });
    await server.createClient({ scope: 'users', allowed_origins: ['https://other-client.example'] });
    token = (
      (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users demo' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
    cookie = `gatehouse_access_token=${token}`;
    userId = ((await (await server.admin('POST', '/users', { username: 'cookie-target', password: 'a long enough password' })).json()) as { id: string }).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: string) => fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const refusal = async (response: Response) => {
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_request", error_description="[^"]*cookie[^"]*"/);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  };

  it('refuses a command run by cookie without a JSON body or an allowed Origin (what a cross-site form can send)', async () => {
    await refusal(await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'text/plain' }, '{}'));
    await refusal(await send('POST', '/api/apps/demo/commands/noop', { cookie }));
    // Commands take form input (issue 20), but never from a cookie-carried token without an allowed Origin.
    await refusal(await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'));
    // Multipart bodies are not parsed at /api at all (415), so they never reach a command either.
    expect((await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'multipart/form-data; boundary=x' }, '--x--')).status).toBe(415);
    await refusal(await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'text/plain', origin: 'https://evil.example' }, '{}'));
    // Another client's origin is not this token's client's.
    await refusal(await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'text/plain', origin: 'https://other-client.example' }, '{}'));
    await refusal(await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'text/plain; x=application/json' }, '{}'));
  });

  it('refuses user API changes by cookie without a JSON body or an allowed Origin', async () => {
    await refusal(await send('POST', '/api/users', { cookie, 'content-type': 'text/plain' }, JSON.stringify({ username: 'forged', password: 'a long enough password' })));
    await refusal(await send('DELETE', `/api/users/${userId}`, { cookie }));
    await refusal(await send('PATCH', `/api/users/${userId}`, { cookie, 'content-type': 'text/plain' }, '{"display_name":"x"}'));
    expect((await server.admin('GET', `/users/${userId}`)).status).toBe(200);
  });

  it('accepts cookie requests with a JSON content type, from the client’s own origin, and safe methods', async () => {
    expect((await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'application/json' }, '{}')).status).toBe(200);
    expect((await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'application/vnd.example+json; charset=utf-8' })).status).not.toBe(403);
    expect((await send('POST', '/api/apps/demo/commands/noop', { cookie, 'content-type': 'text/plain', origin: 'https://portal.example' }, '{}')).status).toBe(200);
    expect((await send('GET', '/api/users', { cookie })).status).toBe(200);
    expect((await send('GET', '/api/apps', { cookie })).status).toBe(200);
    expect((await send('PATCH', `/api/users/${userId}`, { cookie, 'content-type': 'application/json' }, '{"display_name":"Changed"}')).status).toBe(200);
  });

  it('leaves header-carried tokens alone: a page cannot make a browser send them', async () => {
    expect((await send('POST', '/api/apps/demo/commands/noop', { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, '{}')).status).toBe(200);
    expect((await send('POST', '/api/apps/demo/commands/noop', { 'x-gatehouse-access-token': token })).status).toBe(200);
  });
});

describe.each(STORES)('SameSite=None token cookies on %s', (store) => {
  it('refuses cookie_same_site none at the settings API while the issuer is http, and accepts it with an https issuer', async () => {
    const plain = await startTestServer({ store });
    try {
      for (const body of [{ cookie_same_site: 'none' }, { cookie_same_site: 'none', cookie_secure: true }]) {
        const response = await plain.admin('PATCH', '/settings/token-delivery', body);
        expect(response.status).toBe(400);
        const answer = (await response.json()) as { error: string; error_description: string; field: string };
        expect(answer).toMatchObject({ error: 'invalid_request', field: 'cookie_same_site' });
        expect(answer.error_description).toContain('https');
      }
      expect(((await (await plain.admin('GET', '/settings/token-delivery')).json()) as { cookie_same_site: string }).cookie_same_site).toBe('lax');
    } finally {
      await plain.close();
    }
    const secure = await startTestServer({ store, config: { issuer: 'https://gatehouse.example' } });
    try {
      const response = await secure.admin('PATCH', '/settings/token-delivery', { cookie_same_site: 'none' });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { cookie_same_site: string }).cookie_same_site).toBe('none');
    } finally {
      await secure.close();
    }
  });
});
