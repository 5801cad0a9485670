import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeGuard, expressGuard, fastifyGuard } from '../../src/resource-server/index.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

const MODES = ['jwks', 'introspection'] as const;

describe.each(MODES)('gatehouse/resource-server in %s mode', (mode) => {
  let gatehouse: TestServer;
  let service: FastifyInstance;
  let serviceUrl: string;
  let client: { client_id: string; client_secret: string };
  let introspector: { client_id: string; client_secret: string };

  const tokenWith = async (scope: string) =>
    ((await (await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as { access_token: string })
      .access_token;

  beforeAll(async () => {
    gatehouse = await startTestServer({ store: 'sqlite' });
    client = await gatehouse.createClient({ scope: 'orders:read orders:write' });
    introspector = await gatehouse.createClient({ client_name: 'orders service' });
    const options = {
      issuer: gatehouse.url,
      mode,
      scope: 'orders:read',
      introspection: { clientId: introspector.client_id, clientSecret: introspector.client_secret },
      resourceMetadataUrl: 'https://orders.example/.well-known/oauth-protected-resource',
    };
    service = Fastify();
    await service.register(async (scope) => {
      await scope.register(fastifyGuard, options);
      scope.get('/orders', async (request) => ({ caller: request.gatehouseCaller?.clientId }));
      scope.post('/orders', { config: { gatehouseScope: 'orders:write' } }, async (request) => ({ wrote: request.gatehouseCaller?.scope }));
      scope.get('/health', { config: { gatehouseScope: false } }, async (request) => ({ ok: true, caller: request.gatehouseCaller ?? null }));
    });
    await service.listen({ port: 0, host: '127.0.0.1' });
    serviceUrl = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await service.close();
    await gatehouse.close();
  });

  const call = (path: string, token?: string, method = 'GET') => fetch(`${serviceUrl}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('lets a valid token with the scope through and names the caller', async () => {
    const response = await call('/orders', await tokenWith('orders:read'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ caller: client.client_id });
  });

  it('answers per RFC 6750: no token, bad token, missing scope', async () => {
    const none = await call('/orders');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse", resource_metadata="https://orders.example/.well-known/oauth-protected-resource"');
    const bad = await call('/orders', 'garbage.token.value');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const writeless = await call('/orders', await tokenWith('orders:read'), 'POST');
    expect(writeless.status).toBe(403);
    expect(writeless.headers.get('www-authenticate')).toContain('scope="orders:write"');
    const writer = await call('/orders', await tokenWith('orders:write'), 'POST');
    expect(writer.status).toBe(200);
  });

  it('ignores tokens on an unprotected route, even garbage', async () => {
    const response = await call('/health', 'garbage');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, caller: null });
  });

  it('refuses tokens of another issuer and JWTs that are not access tokens', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = (await (await fetch(`${gatehouse.url}/oauth/jwks`)).json()) as JSONWebKeySet;
    const base = () => new SignJWT({ client_id: client.client_id, scope: 'orders:read', jti: 'x' }).setSubject(client.client_id).setIssuedAt().setExpirationTime('5m');
    const foreign = await base().setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: (await exportJWK(publicKey)).x ?? 'k' }).setIssuer('https://elsewhere.example').setAudience(gatehouse.url).sign(privateKey);
    expect((await call('/orders', foreign)).status).toBe(401);
    const idTokenLike = await base().setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0]?.kid ?? 'k' }).setIssuer(gatehouse.url).setAudience(gatehouse.url).sign(privateKey);
    expect((await call('/orders', idTokenLike)).status).toBe(401);
  });

  it(mode === 'introspection' ? 'sees a revocation at once' : 'accepts a revoked token until it expires (local verification cannot know)', async () => {
    const token = await tokenWith('orders:read');
    expect((await call('/orders', token)).status).toBe(200);
    expect((await postForm(`${gatehouse.url}/oauth/revoke`, { token }, { authorization: basicAuth(client.client_id, client.client_secret) })).status).toBe(200);
    expect((await call('/orders', token)).status).toBe(mode === 'introspection' ? 401 : 200);
  });
});

describe('gatehouse/resource-server for node:http and Express-style middleware', () => {
  let gatehouse: TestServer;
  let server: Server;
  let url: string;
  let token: string;

  beforeAll(async () => {
    gatehouse = await startTestServer({ store: 'sqlite' });
    const client = await gatehouse.createClient({ scope: 'reports' });
    token = ((await (await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as { access_token: string })
      .access_token;
    const guard = createNodeGuard({ issuer: gatehouse.url, scope: 'reports' });
    const middleware = expressGuard({ issuer: gatehouse.url, scope: 'reports' });
    server = createServer((request, response) => {
      if (request.url === '/plain') {
        void guard(request, response).then((caller) => {
          if (caller) response.end(JSON.stringify({ sub: caller.sub }));
        });
        return;
      }
      middleware(request, response, (error?: unknown) => {
        response.end(JSON.stringify({ error: error === undefined ? null : error instanceof Error ? error.message : "error", scope: (request as { gatehouseCaller?: { scope: string[] } }).gatehouseCaller?.scope }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await gatehouse.close();
  });

  it('guards a plain node:http handler', async () => {
    expect((await fetch(`${url}/plain`)).status).toBe(401);
    const ok = await fetch(`${url}/plain`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { sub: string }).sub).toBeTruthy();
  });

  it('guards with Express-style middleware', async () => {
    expect((await fetch(`${url}/express`)).status).toBe(401);
    const ok = await fetch(`${url}/express`, { headers: { authorization: `Bearer ${token}` } });
    expect(await ok.json()).toEqual({ error: null, scope: ['reports'] });
  });
});

describe('gatehouse/resource-server without its authorization server', () => {
  it('answers 503 temporarily_unavailable instead of guessing', async () => {
    const { createResourceServer } = await import('../../src/resource-server/index.js');
    const guard = createResourceServer({ issuer: 'http://127.0.0.1:9', mode: 'jwks' });
    const result = await guard.check({ authorization: 'Bearer a.b.c' });
    expect(result).toMatchObject({ ok: false, status: 503, body: { error: 'temporarily_unavailable' } });
  });
});
