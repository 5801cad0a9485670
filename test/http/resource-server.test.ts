import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeGuard, createRequestGuard, expressGuard, fastifyGuard } from '../../src/resource-server/index.js';
import { signWithServerKey } from '../helpers/server-signed-token.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

const MODES = ['jwks', 'introspection'] as const;

describe.each(MODES)('gatehouse/resource-server in %s mode', (mode) => {
  let gatehouse: TestServer;
  let service: FastifyInstance;
  let serviceUrl: string;
  let client: { client_id: string; client_secret: string };
  let introspector: { client_id: string; client_secret: string };

  const tokenWith = async (scope: string) =>
    (
      (await (await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;

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
    await service.register(async (scope) => {
      await scope.register(fastifyGuard, { ...options, scope: undefined, protected: false });
      scope.get('/open', async (request) => ({ caller: request.gatehouseCaller?.clientId ?? null }));
      scope.get('/open/orders', { config: { gatehouseScope: 'orders:read' } }, async (request) => ({ caller: request.gatehouseCaller?.clientId }));
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

  it('refuses tokens of another issuer and JWTs that are not access tokens, even signed by the right key', async () => {
    const claims = { client_id: client.client_id, scope: 'orders:read' };
    // The control: the same token with the right typ and issuer passes, so each refusal below is the check's.
    expect((await call('/orders', await signWithServerKey(gatehouse, { typ: 'at+jwt' }, claims))).status).toBe(200);
    for (const token of [
      await signWithServerKey(gatehouse, { typ: 'at+jwt' }, { ...claims, iss: 'https://elsewhere.example' }),
      await signWithServerKey(gatehouse, {}, claims),
      await signWithServerKey(gatehouse, { typ: 'JWT' }, { ...claims, nonce: 'n', auth_time: Math.floor(Date.now() / 1000) }),
    ]) {
      const response = await call('/orders', token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    // A token of another Gatehouse (its own keys, its own issuer).
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ ...claims, jti: 'x' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'elsewhere-key' })
      .setSubject(client.client_id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setIssuer('https://elsewhere.example')
      .setAudience(gatehouse.url)
      .sign(privateKey);
    expect((await call('/orders', foreign)).status).toBe(401);
  });

  it('ignores any token in a group declared protected: false, but protects its routes that declare a scope', async () => {
    const open = await call('/open', 'garbage');
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ caller: null });
    expect((await call('/open/orders')).status).toBe(401);
    expect((await call('/open/orders', await tokenWith('orders:write'))).status).toBe(403);
    const reader = await call('/open/orders', await tokenWith('orders:read'));
    expect(reader.status).toBe(200);
    expect(await reader.json()).toEqual({ caller: client.client_id });
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
    token = (
      (await (await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;
    const guard = createNodeGuard({ issuer: gatehouse.url, scope: 'reports' });
    const check = createRequestGuard({ issuer: gatehouse.url, mode: 'jwks' });
    const middleware = expressGuard({ issuer: gatehouse.url, scope: 'reports' });
    server = createServer((request, response) => {
      if (request.url === '/result') {
        void check(request, 'reports').then((result) => {
          response.writeHead(result.ok ? 200 : result.status, result.ok ? {} : result.headers).end(JSON.stringify(result.ok ? { clientId: result.caller.clientId } : result.body));
        });
        return;
      }
      if (request.url === '/plain') {
        void guard(request, response).then((caller) => {
          if (caller) response.end(JSON.stringify({ sub: caller.sub }));
        });
        return;
      }
      middleware(request, response, (error?: unknown) => {
        response.end(
          JSON.stringify({
            error: error === undefined ? null : error instanceof Error ? error.message : 'error',
            scope: (request as { gatehouseCaller?: { scope: string[] } }).gatehouseCaller?.scope,
          }),
        );
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

  it('offers a plain (req, scope?) => Promise<result> check that writes nothing itself', async () => {
    const refused = await fetch(`${url}/result`, { headers: { authorization: 'Bearer junk.junk.junk' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
    const ok = await fetch(`${url}/result`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { clientId: string }).clientId).toBeTruthy();
  });

  it('names RFC 9728 metadata in every challenge, by default that of the audience', async () => {
    const none = await fetch(`${url}/plain`);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="gatehouse", resource_metadata="${gatehouse.url}/.well-known/oauth-protected-resource"`);
    const bad = await fetch(`${url}/express`, { headers: { authorization: 'Bearer junk' } });
    expect(bad.headers.get('www-authenticate')).toContain(`resource_metadata="${gatehouse.url}/.well-known/oauth-protected-resource"`);
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
