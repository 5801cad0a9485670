import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseClient } from '../../src/client-sdk/index.js';
import { discover } from '../../src/resource-server/index.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** An issuer with a path (behind a proxy that maps it): the SDK and the resource-server library find its metadata (RFC 8414 §3.1). */
describe.each(STORES)('metadata of an issuer with a path on %s', (store) => {
  let server: TestServer;
  let issuer: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    issuer = `${server.url}/tenant1`;
    server.config.issuer = issuer;
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves it at the suffix followed by the path, where gatehouse/client and gatehouse/resource-server look', async () => {
    const suffixed = await fetch(`${server.url}/.well-known/oauth-authorization-server/tenant1`);
    expect(suffixed.status).toBe(200);
    expect(((await suffixed.json()) as { issuer: string }).issuer).toBe(issuer);
    // The document at the root stays (it names the same issuer); another path is not this issuer's.
    expect((await fetch(`${server.url}/.well-known/oauth-authorization-server`)).status).toBe(200);
    expect((await fetch(`${server.url}/.well-known/oauth-authorization-server/tenant2`)).status).toBe(404);

    const client = new GatehouseClient({ issuer: `${issuer}/`, credentials: { clientId: 'x', clientSecret: 'y' } });
    expect(await client.metadata()).toMatchObject({ issuer, token_endpoint: `${issuer}/oauth/token` });
    expect(await discover(issuer)).toMatchObject({ issuer, jwks_uri: `${issuer}/oauth/jwks` });
  });
});
