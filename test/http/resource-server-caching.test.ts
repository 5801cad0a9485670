import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyObject } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthorizationServerError } from '../../src/resource-server/index.js';
import { createResourceServer } from '../../src/resource-server/index.js';

/**
 * What gatehouse/resource-server fetches from its issuer and when: a stub issuer counts every request,
 * and only Date is faked to move past cache lifetimes.
 */
describe('gatehouse/resource-server key and introspection caching', () => {
  let issuerServer: Server;
  let issuer: string;
  const hits: string[] = [];
  let published: JWK[] = [];
  let jwksStatus = 200;
  let introspection: (token: string) => Record<string, unknown> = () => ({ active: false });
  const keys: Record<string, { privateKey: KeyObject; jwk: JWK }> = {};

  beforeAll(async () => {
    issuerServer = createServer((request, response) => {
      hits.push(request.url ?? '');
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (request.url === '/.well-known/oauth-authorization-server') return json(200, { issuer, jwks_uri: `${issuer}/jwks`, introspection_endpoint: `${issuer}/introspect` });
        if (request.url === '/jwks') return json(jwksStatus, { keys: published });
        if (request.url === '/introspect') return json(200, introspection(new URLSearchParams(body).get('token') ?? ''));
        return json(200, { keys: Object.values(keys).map((key) => key.jwk) }); // what a token-named URL would serve
      });
    });
    await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
    for (const kid of ['k1', 'k2', 'rogue']) {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      keys[kid] = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => issuerServer.close(resolve));
  });
  afterEach(() => {
    vi.useRealTimers();
    hits.length = 0;
    jwksStatus = 200;
  });

  const sign = (kid: string, header: Record<string, unknown> = {}) =>
    new SignJWT({ client_id: 'c1', scope: 'orders:read', jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...header })
      .setIssuer(issuer)
      .setAudience(issuer)
      .setSubject('c1')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys[kid]?.privateKey ?? keys.rogue!.privateKey);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const count = (path: string) => hits.filter((hit) => hit === path).length;

  it('jwks: fetches keys from the metadata once, caches them, and fetches again for an unknown kid', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    published = [keys.k1!.jwk];
    const guard = createResourceServer({ issuer, mode: 'jwks' });
    expect(await guard.check(bearer(await sign('k1')))).toMatchObject({ ok: true, caller: { clientId: 'c1' } });
    expect(await guard.check(bearer(await sign('k1')))).toMatchObject({ ok: true });
    expect(count('/.well-known/oauth-authorization-server')).toBe(1);
    expect(count('/jwks')).toBe(1);

    // The issuer publishes a new key; a token naming it makes the guard fetch the set again.
    published = [keys.k1!.jwk, keys.k2!.jwk];
    vi.setSystemTime(Date.now() + 31_000); // past the 30 s cooldown that stops a flood of unknown kids
    expect(await guard.check(bearer(await sign('k2')))).toMatchObject({ ok: true });
    expect(count('/jwks')).toBe(2);
    // A kid the issuer does not publish is refused after one more fetch, and not fetched again at once.
    vi.setSystemTime(Date.now() + 31_000);
    expect(await guard.check(bearer(await sign('rogue')))).toMatchObject({ ok: false, status: 401, body: { error: 'invalid_token' } });
    expect(await guard.check(bearer(await sign('rogue')))).toMatchObject({ ok: false, status: 401 });
    expect(count('/jwks')).toBe(3);
  });

  it('jwks: never fetches a key from a URL or takes a key from inside the token', async () => {
    published = [keys.k1!.jwk];
    const guard = createResourceServer({ issuer, mode: 'jwks' });
    const rogueHeader = { jku: `${issuer}/attacker-jwks`, x5u: `${issuer}/attacker-x5u`, jwk: keys.rogue!.jwk };
    const result = await guard.check(bearer(await sign('rogue', rogueHeader)));
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(hits.filter((hit) => hit.startsWith('/attacker'))).toEqual([]);
    expect(await guard.check(bearer(await sign('k1', rogueHeader)))).toMatchObject({ ok: true });
  });

  it('jwks: answers 503 when the key set cannot be read, not invalid_token', async () => {
    published = [keys.k1!.jwk];
    jwksStatus = 500;
    const errors: AuthorizationServerError[] = [];
    const guard = createResourceServer({ issuer, mode: 'jwks', onError: (error) => errors.push(error), logger: false });
    expect(await guard.check(bearer(await sign('k1')))).toMatchObject({
      ok: false,
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'the authorization server is unavailable' },
    });
    expect(errors).toMatchObject([{ kind: 'outage', reason: 'unavailable', status: 500, url: `${issuer}/jwks` }]);
    jwksStatus = 200;
    expect(await guard.check(bearer(await sign('k1')))).toMatchObject({ ok: true });
  });

  it('jwks: a jwks_uri that answers 404 is a misconfiguration (500), logged once', async () => {
    published = [keys.k1!.jwk];
    jwksStatus = 404;
    const errors: AuthorizationServerError[] = [];
    const lines: string[] = [];
    const guard = createResourceServer({ issuer, mode: 'jwks', onError: (error) => errors.push(error), logger: { error: (line) => lines.push(line) } });
    for (let call = 0; call < 2; call++) {
      expect(await guard.check(bearer(await sign('k1')))).toMatchObject({ ok: false, status: 500, body: { error: 'server_error' } });
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ kind: 'misconfiguration', reason: 'jwks_not_found', status: 404, url: `${issuer}/jwks` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('jwks_not_found');
  });

  describe('introspection', () => {
    const answer = (exp: number) => ({ active: true, token_type: 'Bearer', client_id: 'c1', sub: 'c1', scope: 'orders:read', aud: issuer, iss: issuer, exp });
    const options = (cacheSeconds?: number) => ({
      issuer,
      mode: 'introspection' as const,
      introspection: { clientId: 'rs', clientSecret: 'rs-secret', ...(cacheSeconds === undefined ? {} : { cacheSeconds }) },
    });

    it('asks about every token by default, so a revocation is seen at once', async () => {
      let active = true;
      introspection = () => (active ? answer(Math.floor(Date.now() / 1000) + 3600) : { active: false });
      const guard = createResourceServer(options());
      expect(await guard.check(bearer('t.o.k'))).toMatchObject({ ok: true });
      active = false;
      expect(await guard.check(bearer('t.o.k'))).toMatchObject({ ok: false, status: 401, body: { error: 'invalid_token' } });
      expect(count('/introspect')).toBe(2);
    });

    it('caches an answer for the configured maximum', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      introspection = () => answer(Math.floor(Date.now() / 1000) + 3600);
      const guard = createResourceServer(options(60));
      for (let i = 0; i < 3; i++) expect(await guard.check(bearer('a.b.c'))).toMatchObject({ ok: true });
      expect(count('/introspect')).toBe(1);
      vi.setSystemTime(Date.now() + 61_000);
      expect(await guard.check(bearer('a.b.c'))).toMatchObject({ ok: true });
      expect(count('/introspect')).toBe(2);
    });

    it('never caches an answer past the token expiry', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      const exp = Math.floor(Date.now() / 1000) + 10;
      introspection = () => (Date.now() / 1000 < exp ? answer(exp) : { active: false });
      const guard = createResourceServer(options(600));
      expect(await guard.check(bearer('x.y.z'))).toMatchObject({ ok: true });
      vi.setSystemTime(Date.now() + 5_000);
      expect(await guard.check(bearer('x.y.z'))).toMatchObject({ ok: true });
      expect(count('/introspect')).toBe(1);
      vi.setSystemTime(Date.now() + 6_000);
      expect(await guard.check(bearer('x.y.z'))).toMatchObject({ ok: false, status: 401 });
      expect(count('/introspect')).toBe(2);
    });
  });
});
