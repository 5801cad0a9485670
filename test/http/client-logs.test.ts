import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface LogLine {
  msg: string;
  clientId?: string;
  clientName?: string;
  reason?: string;
  [field: string]: unknown;
}

/** Log lines name the client by id and by its client_name, and never carry its secret. */
describe.each(STORES)('client names in the logs on %s', (store) => {
  let server: TestServer;
  const lines: string[] = [];
  const logged = (msg: string) => lines.map((line) => JSON.parse(line) as LogLine).filter((line) => line.msg === msg);

  beforeAll(async () => {
    server = await startTestServer({ store, config: { logLevel: 'debug' }, logDestination: { write: (line) => lines.push(line) } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('shows the client name in admin, authentication, issuance and revocation lines', async () => {
    const client = await server.createClient({ client_id: 'ledger-sync', client_name: 'Ledger nightly sync' });
    const named = { clientId: 'ledger-sync', clientName: 'Ledger nightly sync' };
    expect(logged('client created')).toEqual([expect.objectContaining(named)]);

    const token = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(token.status).toBe(200);
    expect(logged('access token issued')).toEqual([expect.objectContaining({ ...named, grantType: 'client_credentials' })]);

    const wrong = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, 'not-the-secret') });
    expect(wrong.status).toBe(401);
    const unknown = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'whatever' });
    expect(unknown.status).toBe(401);
    expect(logged('client authentication failed')).toEqual([expect.objectContaining({ ...named, reason: 'wrong secret' }), expect.objectContaining({ clientId: 'nobody', reason: 'unknown client' })]);

    const accessToken = ((await token.json()) as { access_token: string }).access_token;
    expect((await postForm(`${server.url}/oauth/revoke`, { token: accessToken }, { authorization: basicAuth(client.client_id, client.client_secret) })).status).toBe(200);
    expect(logged('access token revoked')).toEqual([expect.objectContaining(named)]);

    const rotated = (await (await server.admin('POST', '/clients/ledger-sync/secret', {})).json()) as { client_secret: string };
    expect(logged('client secret rotated')).toEqual([expect.objectContaining(named)]);
    expect((await server.admin('PATCH', '/clients/ledger-sync', { client_name: 'Ledger sync' })).status).toBe(200);
    expect(logged('client updated')).toEqual([expect.objectContaining({ clientId: 'ledger-sync', clientName: 'Ledger sync' })]);
    expect((await server.admin('DELETE', '/clients/ledger-sync')).status).toBe(204);
    expect(logged('client deleted')).toEqual([expect.objectContaining({ clientId: 'ledger-sync', clientName: 'Ledger sync' })]);

    const everything = lines.join('\n');
    for (const secret of [client.client_secret, rotated.client_secret, 'not-the-secret', accessToken]) expect(everything).not.toContain(secret);
  });
});
