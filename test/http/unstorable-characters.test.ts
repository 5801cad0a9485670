import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, basicAuth, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/**
 * A NUL (U+0000) cannot be stored in a PostgreSQL text column, and an unpaired surrogate has no UTF-8 form
 * (the driver would silently store U+FFFD instead). Wherever either arrives — path segment, query parameter,
 * JSON field or key, form field — the answer is 400 invalid_request in the form of the route's family,
 * never a 500, and the same on both stores.
 */

type Family = 'oauth' | 'admin' | 'resource';
interface Case {
  name: string;
  family: Family;
  method: string;
  path: string;
  /** JSON text (sent raw, so it can hold escapes JSON.stringify would not write) or a form. */
  json?: string;
  form?: string;
  auth: 'admin' | 'client' | 'user' | 'initial' | 'none';
}

/** How each hostile value is written: inside JSON text, inside a URL or form (percent-encoded), and as a path segment. */
interface Variant {
  label: string;
  json?: string;
  encoded?: string;
  segment?: string;
}
const VARIANTS: Variant[] = [
  { label: 'NUL', json: '"a\\u0000b"', encoded: 'a%00b', segment: 'a%00b' },
  // A URL or form cannot carry one (percent-encoded it is invalid UTF-8); JSON can.
  { label: 'unpaired surrogate', json: '"a\\ud800b"' },
  // Invalid UTF-8 in a path segment: the router refuses it; the answer must still be the family's form.
  { label: 'invalid UTF-8', segment: '%ED%A0%80' },
];

function cases(clientId: string): Case[] {
  const list: Case[] = [];
  for (const { label, json, encoded, segment } of VARIANTS) {
    const add = (item: Omit<Case, 'name'> & { what: string }) => list.push({ ...item, name: `${label}: ${item.what}` });
    if (json !== undefined) {
      const adminJson = (what: string, method: string, path: string, body: string) => add({ what: `admin ${what}`, family: 'admin', method, path, json: body, auth: 'admin' });
      adminJson('client creation field', 'POST', '/admin/api/clients', `{"client_name": ${json}, "scope": "read"}`);
      adminJson('client creation key', 'POST', '/admin/api/clients', `{${json}: 1, "client_name": "x"}`);
      adminJson('nested field', 'POST', '/admin/api/clients', `{"client_name": "x", "redirect_uris": [${json}]}`);
      adminJson('client update', 'PATCH', `/admin/api/clients/${clientId}`, `{"client_name": ${json}}`);
      adminJson('user creation', 'POST', '/admin/api/users', `{"username": ${json}, "password": "long enough password"}`);
      adminJson('profile creation', 'POST', '/admin/api/profiles', `{"name": ${json}}`);
      adminJson('client key', 'POST', `/admin/api/clients/${clientId}/keys`, `{"kid": ${json}}`);
      adminJson('token delivery settings', 'PATCH', '/admin/api/settings/token-delivery', `{"cookie_name": ${json}}`);
      add({ what: 'console sign-in', family: 'admin', method: 'POST', path: '/admin/api/session', json: `{"username": ${json}, "password": "x"}`, auth: 'none' });
      add({ what: 'user API creation', family: 'resource', method: 'POST', path: '/api/users', json: `{"username": ${json}, "password": "long enough password"}`, auth: 'user' });
      add({ what: 'registration', family: 'oauth', method: 'POST', path: '/oauth/register', json: `{"client_name": ${json}}`, auth: 'initial' });
    }
    if (encoded !== undefined) {
      const form = (what: string, path: string, body: string, auth: Case['auth'] = 'client') => add({ what, family: 'oauth', method: 'POST', path, form: body, auth });
      form('password grant username', '/oauth/token', `grant_type=password&username=${encoded}&password=x`);
      form('password grant password', '/oauth/token', `grant_type=password&username=ivy&password=${encoded}`);
      form('token endpoint client_id', '/oauth/token', `grant_type=client_credentials&client_id=${encoded}&client_secret=x`, 'none');
      form('token endpoint parameter name', '/oauth/token', `grant_type=client_credentials&${encoded}=1`);
      form('introspection', '/oauth/introspect', `token=${encoded}`);
      form('revocation', '/oauth/revoke', `token=${encoded}`);
      const adminQuery = (what: string, path: string) => add({ what: `admin ${what}`, family: 'admin', method: 'GET', path, auth: 'admin' });
      adminQuery('client search', `/admin/api/clients?search=${encoded}`);
      adminQuery('user search', `/admin/api/users?search=${encoded}`);
      adminQuery('audit filter', `/admin/api/audit?actor=${encoded}`);
      adminQuery('query parameter name', `/admin/api/clients?${encoded}=1`);
      add({ what: 'user API search', family: 'resource', method: 'GET', path: `/api/users?search=${encoded}`, auth: 'user' });
    }
    if (segment !== undefined) {
      const admin = (what: string, method: string, path: string) => add({ what: `admin ${what}`, family: 'admin', method, path, auth: 'admin' });
      admin('client path segment', 'GET', `/admin/api/clients/${segment}`);
      admin('client deletion path', 'DELETE', `/admin/api/clients/${segment}`);
      admin('client keys path', 'GET', `/admin/api/clients/${segment}/keys`);
      admin('user path segment', 'GET', `/admin/api/users/${segment}`);
      admin('profile path segment', 'GET', `/admin/api/profiles/${segment}`);
      admin('profile tokens path', 'GET', `/admin/api/profiles/${segment}/initial-access-tokens`);
      add({ what: 'user API path segment', family: 'resource', method: 'GET', path: `/api/users/${segment}`, auth: 'user' });
      add({ what: 'command path segment', family: 'resource', method: 'POST', path: `/api/apps/${segment}/commands/x`, json: '{}', auth: 'user' });
    }
  }
  return list;
}

describe.each(STORES)('characters no store can keep, on %s', (store) => {
  let server: TestServer;
  let client: { client_id: string; client_secret: string };
  let userApiToken: string;
  let initialToken: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    client = await server.createClient({ grant_types: ['password', 'client_credentials'], scope: 'read users' });
    expect((await server.admin('POST', '/users', { username: 'ivy', password: 'ivy password 1' })).status).toBe(201);
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client.client_id, client.client_secret) },
      body: 'grant_type=client_credentials&scope=users',
    });
    expect(token.status).toBe(200);
    userApiToken = ((await token.json()) as { access_token: string }).access_token;
    expect((await server.admin('PUT', '/profiles/instances', { registration_enabled: true })).status).toBe(201);
    const created = await server.admin('POST', '/profiles/instances/initial-access-tokens', {});
    initialToken = ((await created.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await server.close();
  });

  function authorization(auth: Case['auth']): Record<string, string> {
    switch (auth) {
      case 'admin':
        return { authorization: `Bearer ${ADMIN_TOKEN}` };
      case 'client':
        return { authorization: basicAuth(client.client_id, client.client_secret) };
      case 'user':
        return { authorization: `Bearer ${userApiToken}` };
      case 'initial':
        return { authorization: `Bearer ${initialToken}` };
      case 'none':
        return {};
    }
  }

  it("answers 400 invalid_request in the route family's form wherever a NUL or an unpaired surrogate arrives", async () => {
    const failures: string[] = [];
    for (const item of cases('placeholder')) {
      const path = item.path.replace('placeholder', client.client_id);
      const headers: Record<string, string> = { ...authorization(item.auth) };
      if (item.json !== undefined) headers['content-type'] = 'application/json';
      if (item.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(`${server.url}${path}`, { method: item.method, headers, body: item.json ?? item.form });
      const text = await response.text();
      const body = (response.headers.get('content-type') ?? '').startsWith('application/json') ? (JSON.parse(text) as { error?: string; error_description?: string }) : {};
      const challenge = response.headers.get('www-authenticate') ?? '';
      const problems = [
        response.status !== 400 && `status ${response.status}`,
        body.error !== 'invalid_request' && `error ${body.error}`,
        !/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(body.error_description ?? '') && 'error_description outside RFC 6749',
        item.family === 'resource' && !/^Bearer .*error="invalid_request"/.test(challenge) && 'no RFC 6750 challenge',
        item.family === 'oauth' && Object.keys(body).sort().join() !== 'error,error_description' && 'not the RFC 6749 body',
      ].filter(Boolean);
      if (problems.length > 0) failures.push(`${item.name}: ${item.method} ${path} -> ${problems.join(', ')}: ${text.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 401 invalid_client (never 500) for a NUL in the client id of an Authorization: Basic header', async () => {
    for (const path of ['/oauth/token', '/oauth/introspect', '/oauth/revoke']) {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('a%00b:secret').toString('base64')}` },
        body: path === '/oauth/token' ? 'grant_type=client_credentials' : 'token=x',
      });
      expect(response.status, `${path}: ${await response.clone().text()}`).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
    }
  });

  it('still accepts ordinary text beyond ASCII (paired surrogates, U+FFFD) in the same fields', async () => {
    const created = await server.admin('POST', '/clients', { client_name: 'émoji 😀 \uFFFD', scope: 'read' });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { client_name: string }).client_name).toBe('émoji 😀 \uFFFD');
    expect((await server.admin('GET', `/clients?search=${encodeURIComponent('😀')}`)).status).toBe(200);
  });
});
