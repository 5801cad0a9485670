import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

/** The example service in examples/orders-service, run as its own process beside a real Gatehouse. */
describe.each(['introspection', 'jwks'] as const)('examples/orders-service protected by gatehouse/resource-server (%s mode)', (mode) => {
  let gatehouse: TestServer;
  let service: ChildProcessWithoutNullStreams;
  let serviceUrl: string;
  let client: { client_id: string; client_secret: string };

  beforeAll(async () => {
    gatehouse = await startTestServer({ store: 'sqlite' });
    client = await gatehouse.createClient({ scope: 'orders:read orders:write' });
    const introspector = await gatehouse.createClient({ client_name: 'orders service' });
    service = spawn(process.execPath, ['examples/orders-service/server.mjs'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        GATEHOUSE_ISSUER: gatehouse.url,
        GUARD_MODE: mode,
        INTROSPECTION_CLIENT_ID: introspector.client_id,
        INTROSPECTION_CLIENT_SECRET: introspector.client_secret,
      },
    });
    serviceUrl = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`the example did not start: ${output}`)), 45_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const port = /"port":(\d+)/.exec(output)?.[1];
        if (port) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${port}`);
        }
      };
      service.stdout.on('data', onData);
      service.stderr.on('data', onData);
    });
  });
  afterAll(async () => {
    service.kill('SIGTERM');
    await gatehouse.close();
  });

  const token = async (scope: string) =>
    (
      (await (await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as {
        access_token: string;
      }
    ).access_token;

  it('serves callers with the scope and refuses the rest', async () => {
    const reader = await token('orders:read');
    const ok = await fetch(`${serviceUrl}/orders`, { headers: { authorization: `Bearer ${reader}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { caller: string }).caller).toBe(client.client_id);
    expect((await fetch(`${serviceUrl}/orders`)).status).toBe(401);
    const write = await fetch(`${serviceUrl}/orders`, { method: 'POST', headers: { authorization: `Bearer ${reader}` } });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toContain('scope="orders:write"');
    expect(write.headers.get('www-authenticate')).toContain(`resource_metadata="${gatehouse.url}/.well-known/oauth-protected-resource"`);
    expect((await fetch(`${serviceUrl}/orders`, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    expect((await fetch(`${serviceUrl}/health`)).status).toBe(200);
  });

  it(mode === 'introspection' ? 'refuses a token as soon as Gatehouse revokes it' : 'keeps accepting a revoked token until it expires (local verification cannot know)', async () => {
    const reader = await token('orders:read');
    expect((await fetch(`${serviceUrl}/orders`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(200);
    expect((await postForm(`${gatehouse.url}/oauth/revoke`, { token: reader }, { authorization: basicAuth(client.client_id, client.client_secret) })).status).toBe(200);
    expect((await fetch(`${serviceUrl}/orders`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(mode === 'introspection' ? 401 : 200);
  });
});
