import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';
import { expectRfcAnswer, pathSegment, requests, send, sendRaw, type FuzzRequest } from './http-fuzz.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../examples/commands', import.meta.url));
/** Runs per property: enough to reach odd corners, few enough for CI (each run is one HTTP request). */
const RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS ?? 150);

/**
 * Property-based tests of every public endpoint and the admin API: random and adversarial bodies,
 * content types, Authorization headers and request lines always get a 4xx (or a 2xx where the input
 * happens to be valid) in the RFC error form, never a 5xx, a hang or an unhandled rejection (vitest fails
 * the run on one), and the server answers normally afterwards. On both stores: PostgreSQL refuses some
 * characters SQLite keeps (NUL).
 */
describe.each(STORES)('fuzzing the HTTP surface on %s', (store) => {
  let server: TestServer;
  let clientAuth: string;
  let usersToken: string;
  let commandsToken: string;
  let userId: string;
  let clientId: string;
  const seen = new Map<number, number>();

  const check = async (request: FuzzRequest) => {
    const answer = await send(server.url, request);
    seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
    expectRfcAnswer(request, answer);
  };

  beforeAll(async () => {
    server = await startTestServer({ store, config: { commandsDir: COMMANDS_DIR, passwordRateLimitPerClient: 100_000, passwordRateLimitPerAddress: 100_000 } });
    const client = await server.createClient({ scope: 'users demo commands', grant_types: ['client_credentials', 'password'] });
    clientId = client.client_id;
    clientAuth = basicAuth(client.client_id, client.client_secret);
    const tokenFor = async (scope: string) =>
      ((await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: clientAuth })).json()) as { access_token: string }).access_token;
    usersToken = await tokenFor('users');
    commandsToken = await tokenFor('demo commands');
    const user = (await (await server.admin('POST', '/users', { username: 'fuzzed', password: 'a-long-enough-password' })).json()) as { id: string };
    userId = user.id;
  });
  afterAll(async () => {
    await server.close();
  });

  const oauthPaths = fc.constantFrom(
    { method: 'POST', path: '/oauth/token' },
    { method: 'POST', path: '/oauth/introspect' },
    { method: 'POST', path: '/oauth/revoke' },
    { method: 'POST', path: '/api/auth/sign/ap/token' },
    { method: 'POST', path: '/oauth/register' },
    { method: 'PUT', path: '/oauth/token' },
    { method: 'POST', path: '/oauth/token?grant_type=client_credentials&grant_type=password' },
  );

  it('the token, introspection, revocation, registration and application token endpoints', async () => {
    await fc.assert(fc.asyncProperty(requests(oauthPaths, [clientAuth]), check), { numRuns: RUNS * 2 });
  });

  it('the user API', async () => {
    const paths = fc.oneof(
      fc.constantFrom(
        { method: 'GET', path: '/api/users' },
        { method: 'POST', path: '/api/users' },
        { method: 'PATCH', path: `/api/users/${userId}` },
        { method: 'POST', path: `/api/users/${userId}/password` },
        { method: 'DELETE', path: '/api/users/no-such-user' },
      ),
      fc.tuple(fc.constantFrom('GET', 'PATCH', 'DELETE'), fc.string({ maxLength: 30 })).map(([method, id]) => ({ method, path: `/api/users/${encodeURIComponent(id)}` })),
      fc.tuple(fc.constantFrom('GET', 'PATCH', 'DELETE'), pathSegment).map(([method, id]) => ({ method, path: `/api/users/${id}?search=${id}` })),
      fc.string({ maxLength: 40 }).map((query) => ({ method: 'GET', path: `/api/users?${query.replace(/#/g, '')}` })),
    );
    await fc.assert(fc.asyncProperty(requests(paths, [`Bearer ${usersToken}`]), check), { numRuns: RUNS });
  });

  it('server commands', async () => {
    const paths = fc
      .tuple(fc.constantFrom('demo', 'crm', 'nope', '..', '%2e%2e', 'users'), fc.constantFrom('echo', 'noop', 'reserve', 'missing', '', '%00'))
      .map(([app, name]) => ({ method: 'POST', path: `/api/apps/${app}/commands/${name}` }));
    await fc.assert(fc.asyncProperty(requests(paths, [`Bearer ${commandsToken}`]), check), { numRuns: RUNS });
  });

  it('the admin API', async () => {
    const paths = fc.oneof(
      fc.constantFrom(
        { method: 'POST', path: '/admin/api/clients' },
        { method: 'PATCH', path: `/admin/api/clients/${clientId}` },
        { method: 'POST', path: `/admin/api/clients/${clientId}/keys` },
        { method: 'POST', path: '/admin/api/clients/no-such-client/secret' },
        { method: 'POST', path: '/admin/api/users' },
        { method: 'PATCH', path: `/admin/api/users/${userId}` },
        { method: 'POST', path: `/admin/api/users/${userId}/password` },
        { method: 'PATCH', path: '/admin/api/settings/token-delivery' },
        { method: 'POST', path: '/admin/api/profiles' },
        { method: 'PUT', path: `/admin/api/clients/${clientId}/pin` },
        { method: 'GET', path: '/admin/api/clients?limit=-1&offset=1e99&search=%00' },
        { method: 'POST', path: '/admin/api/commands' },
        { method: 'PUT', path: '/admin/api/commands/demo/stored' },
        { method: 'DELETE', path: '/admin/api/commands/demo/echo' },
      ),
      fc.string({ maxLength: 40 }).map((query) => ({ method: 'GET', path: `/admin/api/users?${query.replace(/#/g, '')}` })),
      fc
        .tuple(fc.constantFrom('GET', 'PATCH', 'DELETE'), fc.constantFrom('clients', 'users', 'profiles', 'clients/x/keys', 'profiles/x/initial-access-tokens'), pathSegment)
        .map(([method, collection, id]) => ({ method, path: `/admin/api/${collection.replace('/x/', `/${id}/`)}${collection.includes('/x/') ? '' : `/${id}`}` })),
      pathSegment.map((value) => ({ method: 'GET', path: `/admin/api/clients?search=${value}&${value}=1` })),
    );
    await fc.assert(fc.asyncProperty(requests(paths, [`Bearer ${ADMIN_TOKEN}`]), check), { numRuns: RUNS });
  });

  it('malformed request lines and headers get a 4xx or a closed connection, never a crash', async () => {
    const port = (server.app.server.address() as AddressInfo).port;
    const raw = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 200 }).map((junk) => new TextEncoder().encode(`POST /oauth/token HTTP/1.1\r\nHost: x\r\n${junk}\r\n\r\n`)),
      fc
        .constantFrom(
          'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
          'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
          `GET /api/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(70_000)}\r\n\r\n`,
          'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
          'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\nab\u0000\u00ff\u00fe',
        )
        .map((text) => Uint8Array.from(Buffer.from(text, 'latin1'))),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (bytes) => {
        const status = await sendRaw(port, bytes);
        expect(status === 0 || (status >= 200 && status < 500), `status ${status}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('still answers normally afterwards, and refused most of what it was sent', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const token = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: clientAuth });
    expect(token.status).toBe(200);
    // The input reached the endpoints' own checks, not only the content-type and authentication gates.
    expect(seen.get(400) ?? 0).toBeGreaterThan(10);
    expect(seen.get(401) ?? 0).toBeGreaterThan(10);
    const refusals = [...seen].filter(([status]) => status >= 400).reduce((sum, [, count]) => sum + count, 0);
    expect(refusals).toBeGreaterThan(RUNS);
  });
});
