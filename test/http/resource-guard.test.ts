import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOAuthServices } from '../../src/server/oauth-services.js';
import { BearerChallenge } from '../../src/protected-apis/bearer-challenge.js';
import { protectGroup } from '../../src/protected-apis/protect.js';
import { bearerTokenOf, ResourceGuard } from '../../src/protected-apis/resource-guard.js';
import { freezeDate } from '../helpers/frozen-date.js';
import { signWithServerKey } from '../helpers/server-signed-token.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

describe('resource guard', () => {
  let server: TestServer;
  let guard: ResourceGuard;
  let token: string;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { resources: ['https://other.example'] } });
    guard = new ResourceGuard(createOAuthServices(server.gatehouse).verifier, { audiences: () => [server.config.issuer], clockToleranceSeconds: 5 });
    const client = await server.createClient({ scope: 'users reports' });
    clientId = client.client_id;
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
  });

  async function refusal(promise: Promise<unknown>): Promise<BearerChallenge> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BearerChallenge);
    return error as BearerChallenge;
  }

  it('lets a valid token with the scope through and names the caller', async () => {
    const caller = await guard.check(token, ['users']);
    expect(caller.clientId).toBe(clientId);
    expect(caller.sub).toBe(clientId);
    expect(caller.scope).toEqual(['users']);
  });

  it('answers 401 without error code when no token is given', async () => {
    const challenge = await refusal(guard.check(undefined, []));
    expect(challenge.status).toBe(401);
    expect(challenge.header('gatehouse', undefined)).toBe('Bearer realm="gatehouse"');
  });

  it('answers 401 invalid_token for a garbage token', async () => {
    const challenge = await refusal(guard.check('not.a.token', []));
    expect(challenge.status).toBe(401);
    expect(challenge.header('gatehouse', 'http://x/.well-known/oauth-protected-resource')).toMatch(
      /^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]*", resource_metadata="http:\/\/x\/\.well-known\/oauth-protected-resource"$/,
    );
  });

  it('answers 403 insufficient_scope naming the needed scope', async () => {
    const challenge = await refusal(guard.check(token, ['reports']));
    expect(challenge.status).toBe(403);
    expect(challenge.error).toBe('insufficient_scope');
    expect(challenge.header('gatehouse', undefined)).toContain('scope="reports"');
  });

  it('refuses a token meant for another audience', async () => {
    const client = await server.createClient({ scope: 'users' });
    const response = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'client_credentials', resource: 'https://other.example' },
      { authorization: basicAuth(client.client_id, client.client_secret) },
    );
    const other = ((await response.json()) as { access_token: string }).access_token;
    const challenge = await refusal(guard.check(other, []));
    expect(challenge.error).toBe('invalid_token');
  });

  const signedByServer = (header: { typ?: string }, claims: JWTPayload) => signWithServerKey(server, header, { client_id: clientId, scope: 'users', ...claims });

  it('accepts a token made like a real one (the control for the tests below)', async () => {
    const caller = await guard.check(await signedByServer({ typ: 'at+jwt' }, {}), ['users']);
    expect(caller.clientId).toBe(clientId);
  });

  it('refuses an ID-token-like JWT signed by the right key but without typ at+jwt', async () => {
    for (const typ of [{}, { typ: 'JWT' }]) {
      const challenge = await refusal(guard.check(await signedByServer(typ, {}), []));
      expect(challenge.status).toBe(401);
      expect(challenge.error).toBe('invalid_token');
    }
  });

  it('refuses a token naming another issuer, even signed by the right key', async () => {
    const challenge = await refusal(guard.check(await signedByServer({ typ: 'at+jwt' }, { iss: 'https://elsewhere.example' }), []));
    expect(challenge.error).toBe('invalid_token');
  });

  it('allows the configured leeway on exp and nbf, and no more', async () => {
    // Two seconds either side of now, on a clock that moves only when told to: on the real one, a slow
    // machine could carry "now" past nbf before the strict guard looks.
    freezeDate();
    try {
      const now = Math.floor(Date.now() / 1000);
      const strict = new ResourceGuard(createOAuthServices(server.gatehouse).verifier, { audiences: () => [server.config.issuer], clockToleranceSeconds: 0 });
      const justExpired = await signedByServer({ typ: 'at+jwt' }, { exp: now - 2 });
      expect((await guard.check(justExpired, [])).clientId).toBe(clientId);
      expect((await refusal(strict.check(justExpired, []))).error).toBe('invalid_token');
      expect((await refusal(guard.check(await signedByServer({ typ: 'at+jwt' }, { exp: now - 30 }), []))).error).toBe('invalid_token');

      const almostValid = await signedByServer({ typ: 'at+jwt' }, { nbf: now + 2 });
      expect((await guard.check(almostValid, [])).clientId).toBe(clientId);
      expect((await refusal(strict.check(almostValid, []))).error).toBe('invalid_token');
      expect((await refusal(guard.check(await signedByServer({ typ: 'at+jwt' }, { nbf: now + 30 }), []))).error).toBe('invalid_token');
    } finally {
      vi.useRealTimers();
    }
  });

  it('checks revocation before scope: a revoked token is invalid_token, not insufficient_scope', async () => {
    const client = await server.createClient({ scope: 'users' });
    const auth = { authorization: basicAuth(client.client_id, client.client_secret) };
    const revoked = ((await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, auth)).json()) as { access_token: string }).access_token;
    expect((await postForm(`${server.url}/oauth/revoke`, { token: revoked }, auth)).status).toBe(200);
    const challenge = await refusal(guard.check(revoked, ['reports']));
    expect(challenge.status).toBe(401);
    expect(challenge.error).toBe('invalid_token');
  });

  it('reads bearer tokens from the Authorization header only in the RFC 6750 form', () => {
    expect(bearerTokenOf(undefined)).toBeUndefined();
    expect(bearerTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerTokenOf('Basic abc')).toThrow(BearerChallenge);
    expect(() => bearerTokenOf('Bearer a b')).toThrow(BearerChallenge);
  });
});

/** Declarations on a fastify plugin (a group) and its routes, enforced by protectGroup over HTTP. */
describe('protectGroup on a fastify plugin', () => {
  let server: TestServer;
  let app: FastifyInstance;
  let url: string;
  let tokens: Record<'reports' | 'users' | 'none', string>;
  const metadataUrl = 'https://gatehouse.example/.well-known/oauth-protected-resource';

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    const guard = new ResourceGuard(createOAuthServices(server.gatehouse).verifier, { audiences: () => [server.config.issuer], clockToleranceSeconds: 5 });
    const client = await server.createClient({ scope: 'users reports' });
    const tokenWith = async (scope?: string) =>
      (
        (await (
          await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, { authorization: basicAuth(client.client_id, client.client_secret) })
        ).json()) as { access_token: string }
      ).access_token;
    const scopeless = await server.createClient({});
    const none = (
      (await (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(scopeless.client_id, scopeless.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
    tokens = { reports: await tokenWith('reports'), users: await tokenWith('users'), none };
    app = Fastify();
    const answer = async (request: { caller?: unknown }) => ({ caller: request.caller ?? null });
    await app.register(async (group) => {
      group.addHook(
        'onRequest',
        protectGroup(guard, { scope: 'reports' }, () => metadataUrl),
      );
      group.get('/reports', answer);
      group.get('/reports/users', { config: { scope: 'users' } }, answer);
      group.get('/reports/open', { config: { protected: false } }, answer);
      group.get('/reports/clerks', { config: { roles: ['clerk'] } }, answer);
    });
    await app.register(async (group) => {
      group.addHook(
        'onRequest',
        protectGroup(guard, { protected: false }, () => metadataUrl),
      );
      group.get('/open', answer);
      group.get('/open/reports', { config: { scope: 'reports' } }, answer);
      group.get('/open/any-token', { config: { protected: true } }, answer);
    });
    await app.register(async (group) => {
      group.addHook(
        'onRequest',
        protectGroup(guard, {}, () => metadataUrl),
      );
      group.get('/plain', answer);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await server.close();
  });

  const get = (path: string, token?: string) => fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('enforces the group scope and puts clientId, sub, scope and claims on the request', async () => {
    const response = await get('/reports', tokens.reports);
    expect(response.status).toBe(200);
    const { caller } = (await response.json()) as { caller: { clientId: string; sub: string; scope: string[]; claims: { jti: string; iss: string } } };
    expect(caller).toMatchObject({ scope: ['reports'], claims: { iss: server.config.issuer } });
    expect(caller.clientId).toBe(caller.sub);
    expect(caller.claims.jti).toEqual(expect.any(String));
    const refused = await get('/reports', tokens.users);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer realm="gatehouse", error="insufficient_scope", error_description="the access token lacks the scope reports", scope="reports", resource_metadata="${metadataUrl}"`,
    );
  });

  it('refuses a route declaring roles to a token without them, naming the roles', async () => {
    const refused = await get('/reports/clerks', tokens.reports);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_role"');
    expect(refused.headers.get('www-authenticate')).toContain('roles="clerk"');
    expect(await refused.json()).toMatchObject({ error: 'insufficient_role', roles: 'clerk' });
    expect((await get('/reports/clerks')).status).toBe(401);
  });

  it('lets a route declaration win over its group', async () => {
    expect((await get('/reports/users', tokens.users)).status).toBe(200);
    expect((await get('/reports/users', tokens.reports)).status).toBe(403);
  });

  it('ignores any token, even garbage, on a route or group declared protected: false', async () => {
    for (const path of ['/reports/open', '/open']) {
      const response = await get(path, 'garbage');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ caller: null });
    }
    expect((await fetch(`${url}/open`, { headers: { authorization: 'Basic not-even-bearer' } })).status).toBe(200);
  });

  it('protects a route that declares a scope inside an unprotected group', async () => {
    const none = await get('/open/reports');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="gatehouse", resource_metadata="${metadataUrl}"`);
    expect((await get('/open/reports', tokens.users)).status).toBe(403);
    expect((await get('/open/reports', tokens.reports)).status).toBe(200);
    expect((await get('/open/any-token')).status).toBe(401);
    expect((await get('/open/any-token', tokens.none)).status).toBe(200);
  });

  it('needs a valid token of any client when nothing is declared', async () => {
    expect((await get('/plain')).status).toBe(401);
    const bad = await get('/plain', 'garbage');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]*", resource_metadata="https:/);
    const malformed = await fetch(`${url}/plain`, { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect(malformed.headers.get('www-authenticate')).toContain(`resource_metadata="${metadataUrl}"`);
    const ok = await get('/plain', tokens.none);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { caller: { scope: string[] } }).caller.scope).not.toContain('reports');
  });
});

describe("Gatehouse's own resources use the configured leeway (GATEHOUSE_CLOCK_TOLERANCE)", () => {
  let server: TestServer;
  afterAll(async () => {
    await server.close();
  });

  it('accepts a token expired within the leeway and refuses one expired beyond it', async () => {
    server = await startTestServer({ store: 'sqlite', config: { clockTolerance: 60 } });
    const client = await server.createClient({ scope: 'users' });
    const now = Math.floor(Date.now() / 1000);
    const apps = async (exp: number) =>
      fetch(`${server.url}/api/apps`, { headers: { authorization: `Bearer ${await signWithServerKey(server, { typ: 'at+jwt' }, { client_id: client.client_id, exp })}` } });
    expect((await apps(now - 30)).status).toBe(200);
    const late = await apps(now - 90);
    expect(late.status).toBe(401);
    expect(late.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
