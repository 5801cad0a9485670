import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationServerError, fastifyGuard, type ResourceServerOptions } from '../../src/resource-server/index.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** A local port nothing listens on (opened, then closed): connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A service guarded by gatehouse/resource-server with `options`, recording what it reports and logs. */
async function guardedService(options: ResourceServerOptions) {
  const errors: AuthorizationServerError[] = [];
  const logLines: string[] = [];
  const service: FastifyInstance = Fastify();
  await service.register(fastifyGuard, { ...options, onError: (error) => errors.push(error), logger: { error: (line) => logLines.push(line) } });
  service.get('/orders', async () => ({ orders: [] }));
  await service.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
  const call = async (token: string) => {
    const response = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return { errors, logLines, call, close: () => service.close() };
}

describe.each(STORES)('gatehouse/resource-server tells a misconfiguration from an outage (Gatehouse on %s)', (store) => {
  let gatehouse: TestServer;
  let caller: { client_id: string; client_secret: string };
  let introspector: { client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    gatehouse = await startTestServer({ store });
    caller = await gatehouse.createClient({ scope: 'orders' });
    introspector = await gatehouse.createClient({ client_name: 'orders service' });
    const answer = await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'orders' }, { authorization: basicAuth(caller.client_id, caller.client_secret) });
    token = ((await answer.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await gatehouse.close();
  });

  it('wrong introspection credentials: onError on every call, one log line with the reason, the caller gets 500 without details', async () => {
    const wrongSecret = 'not-the-introspection-secret';
    const service = await guardedService({ issuer: gatehouse.url, mode: 'introspection', introspection: { clientId: introspector.client_id, clientSecret: wrongSecret } });
    try {
      const answers = [await service.call(token), await service.call(token), await service.call(token)];
      for (const answer of answers) {
        expect(answer.status).toBe(500);
        expect(JSON.parse(answer.text)).toEqual({ error: 'server_error', error_description: 'the service cannot check access tokens' });
        expect(answer.headers.get('retry-after')).toBeNull();
        // Nothing of the cause reaches the caller.
        expect(answer.text).not.toMatch(/introspect|credential|401|invalid_client|cannot be reached/);
        expect(answer.text).not.toContain(introspector.client_id);
      }
      expect(service.errors).toHaveLength(3);
      for (const error of service.errors) {
        expect(error).toBeInstanceOf(AuthorizationServerError);
        expect(error).toMatchObject({ kind: 'misconfiguration', reason: 'credentials_rejected', status: 401, url: `${gatehouse.url}/oauth/introspect` });
        expect(error.message).not.toContain('cannot be reached');
      }
      expect(service.logLines).toHaveLength(1);
      const [line] = service.logLines;
      expect(line).toContain('misconfigured');
      expect(line).toContain('credentials_rejected');
      expect(line).toContain('401 invalid_client');
      expect(line).toContain(`introspection.clientId (${introspector.client_id})`);
      expect(line).not.toContain(wrongSecret);
      expect(line).not.toContain(token);
      expect(line).not.toContain('cannot be reached');
    } finally {
      await service.close();
    }
  });

  it('the right credentials of a disabled client: logged once, again after a check went through in between', async () => {
    const service = await guardedService({ issuer: gatehouse.url, mode: 'introspection', introspection: { clientId: introspector.client_id, clientSecret: introspector.client_secret } });
    try {
      expect((await service.call(token)).status).toBe(200);
      await gatehouse.admin('PATCH', `/clients/${introspector.client_id}`, { enabled: false });
      expect((await service.call(token)).status).toBe(500);
      expect((await service.call(token)).status).toBe(500);
      expect(service.logLines).toHaveLength(1);
      await gatehouse.admin('PATCH', `/clients/${introspector.client_id}`, { enabled: true });
      expect((await service.call(token)).status).toBe(200);
      await gatehouse.admin('PATCH', `/clients/${introspector.client_id}`, { enabled: false });
      expect((await service.call(token)).status).toBe(500);
      expect(service.logLines).toHaveLength(2);
      expect(service.errors.map((error) => error.reason)).toEqual(['credentials_rejected', 'credentials_rejected', 'credentials_rejected']);
    } finally {
      await gatehouse.admin('PATCH', `/clients/${introspector.client_id}`, { enabled: true });
      await service.close();
    }
  });

  it('a wrong issuer URL (metadata 404) is a misconfiguration in both modes', async () => {
    for (const mode of ['jwks', 'introspection'] as const) {
      const service = await guardedService({
        issuer: `${gatehouse.url}/tenant-that-does-not-exist`,
        mode,
        introspection: { clientId: introspector.client_id, clientSecret: introspector.client_secret },
      });
      try {
        expect((await service.call(token)).status).toBe(500);
        expect((await service.call(token)).status).toBe(500);
        expect(service.errors[0]).toMatchObject({ kind: 'misconfiguration', reason: 'metadata_not_found', status: 404 });
        expect(service.logLines).toHaveLength(1);
        expect(service.logLines[0]).toContain("check the resource server's issuer setting");
      } finally {
        await service.close();
      }
    }
  });

  it('an authorization server that cannot be reached is an outage: 503 with Retry-After, logged once', async () => {
    const port = await closedPort();
    for (const mode of ['jwks', 'introspection'] as const) {
      const service = await guardedService({ issuer: `http://127.0.0.1:${port}`, mode, introspection: { clientId: 'orders', clientSecret: 'secret' } });
      try {
        const first = await service.call(token);
        expect(first.status).toBe(503);
        expect(first.headers.get('retry-after')).toBe('5');
        expect(JSON.parse(first.text)).toEqual({ error: 'temporarily_unavailable', error_description: 'the authorization server cannot be reached' });
        expect((await service.call(token)).status).toBe(503);
        expect(service.errors).toHaveLength(2);
        expect(service.errors[0]).toMatchObject({ kind: 'outage', reason: 'unreachable', status: undefined, url: `http://127.0.0.1:${port}/.well-known/oauth-authorization-server` });
        expect(service.logLines).toHaveLength(1);
        expect(service.logLines[0]).toContain('unreachable');
        expect(service.logLines[0]).toContain('ECONNREFUSED');
      } finally {
        await service.close();
      }
    }
  });
});
