import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverMetadata, GatehouseClient, GatehouseNetworkError, requestAppToken } from '../../src/client-sdk/index.js';
import { refreshNativeSignIn } from '../../src/client-sdk/native.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** A local port nothing listens on (opened, then closed): connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The rejection of a promise (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('resolved'),
    (error: unknown) => error,
  );
}

describe('gatehouse/client names network failures (GatehouseNetworkError)', () => {
  let unreachable: string;
  beforeAll(async () => {
    unreachable = `http://127.0.0.1:${await closedPort()}`;
  });

  it("GatehouseClient.getToken: the metadata URL, the system code and fetch's error as the cause", async () => {
    const client = new GatehouseClient({ issuer: unreachable, credentials: { clientId: 'svc', clientSecret: 'secret-that-must-not-show' } });
    const error = await rejectionOf(client.getToken('read'));
    expect(error).toBeInstanceOf(GatehouseNetworkError);
    // Still a TypeError, as fetch's own failure was: code that caught that keeps working.
    expect(error).toBeInstanceOf(TypeError);
    const network = error as GatehouseNetworkError;
    expect(network.name).toBe('GatehouseNetworkError');
    expect(network.url).toBe(`${unreachable}/.well-known/oauth-authorization-server`);
    expect(network.code).toBe('ECONNREFUSED');
    expect(network.cause).toBeInstanceOf(TypeError);
    expect((network.cause as Error).message).toBe('fetch failed');
    expect(network.message).toContain(`cannot reach ${unreachable}/.well-known/oauth-authorization-server (ECONNREFUSED)`);
    expect(network.message).not.toContain('secret-that-must-not-show');
  });

  it('requestAppToken, discoverMetadata and the native sign-in refresh throw it too', async () => {
    const appToken = await rejectionOf(requestAppToken({ issuer: unreachable, clientId: 'app', clientSecret: 's', privateKey: await pemKey(), kid: 'k1' }));
    expect(appToken).toBeInstanceOf(GatehouseNetworkError);
    expect(appToken).toMatchObject({ url: `${unreachable}/api/auth/sign/ap/token`, code: 'ECONNREFUSED' });

    const metadata = await rejectionOf(discoverMetadata(unreachable, fetch));
    expect(metadata).toBeInstanceOf(GatehouseNetworkError);

    const tokens = { accessToken: 'a', refreshToken: 'r', idToken: undefined, expiresIn: 1, expiresAt: 0, scope: '', claims: undefined };
    const refresh = await rejectionOf(refreshNativeSignIn({ issuer: unreachable, clientId: 'cli' }, tokens));
    expect(refresh).toBeInstanceOf(GatehouseNetworkError);
  });

  it('a custom fetch that fails is named the same way; an abort is passed on as it came', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND auth.invalid'), { code: 'ENOTFOUND' }) }));
    const client = new GatehouseClient({ issuer: 'https://auth.invalid', credentials: { clientId: 'svc', clientSecret: 's' }, fetch: failing });
    const error = await rejectionOf(client.metadata());
    expect(error).toMatchObject({ name: 'GatehouseNetworkError', code: 'ENOTFOUND', url: 'https://auth.invalid/.well-known/oauth-authorization-server' });
    expect((error as Error).message).toContain('getaddrinfo ENOTFOUND auth.invalid');

    const aborted: typeof fetch = () => Promise.reject(new DOMException('This operation was aborted', 'AbortError'));
    const abortingClient = new GatehouseClient({ issuer: 'https://auth.invalid', credentials: { clientId: 'svc', clientSecret: 's' }, fetch: aborted });
    const abort = await rejectionOf(abortingClient.metadata());
    expect(abort).not.toBeInstanceOf(GatehouseNetworkError);
    expect(abort).toMatchObject({ name: 'AbortError' });
  });
});

describe.each(STORES)('gatehouse/client request() to an unreachable resource on %s', (store) => {
  let server: TestServer;
  let service: { client_id: string; client_secret: string };
  beforeAll(async () => {
    server = await startTestServer({ store });
    service = await server.createClient({ scope: 'read' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('names the resource URL without credentials, query or fragment', async () => {
    const client = new GatehouseClient({ issuer: server.url, credentials: { clientId: service.client_id, clientSecret: service.client_secret }, scope: 'read' });
    const port = await closedPort();
    const error = await rejectionOf(client.request(`http://127.0.0.1:${port}/orders?api_key=hidden-value#top`));
    expect(error).toBeInstanceOf(GatehouseNetworkError);
    expect(error).toMatchObject({ url: `http://127.0.0.1:${port}/orders`, code: 'ECONNREFUSED' });
    expect((error as Error).message).not.toContain('hidden-value');
    // The token was obtained from the real server before the resource was tried.
    expect((await client.getAccessToken('read')).accessToken).toMatch(/^ey/);
  });
});

async function pemKey(): Promise<string> {
  const { generateKeyPairSync } = await import('node:crypto');
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
