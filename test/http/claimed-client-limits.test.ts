import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** HTTP Basic with the user part exactly as given (no form-urlencoding applied here). */
function rawBasic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** Every spelling of one client id: as sent, percent-encoded (RFC 6749 §2.3.1 form-urlencodes it), and as client_id. */
function spellings(clientId: string): string[] {
  const everyCharEncoded = [...clientId].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  const firstEncoded = `%${clientId.charCodeAt(0).toString(16)}${clientId.slice(1)}`;
  const lastEncoded = `${clientId.slice(0, -1)}%${clientId
    .charCodeAt(clientId.length - 1)
    .toString(16)
    .toUpperCase()}`;
  return [clientId, firstEncoded, everyCharEncoded, lastEncoded];
}

/**
 * A per-client limit counts the client id a request claims after decoding it: spelling the HTTP Basic user
 * part differently, or moving the id into the form, never opens a fresh budget for the same client.
 */
describe.each(STORES)('per-client limits key on the decoded client id on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { passwordRateLimitPerClient: 3, passwordRateLimitPerAddress: 1000, tokenRateLimitPerClient: 6 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('password grant: %73prayer spends the budget of sprayer', async () => {
    const client = await server.createClient({ client_id: 'sprayer', grant_types: ['password'] });
    const statuses: number[] = [];
    for (const user of spellings('sprayer')) {
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'password', username: 'nobody', password: 'wrong' }, { authorization: rawBasic(user, client.client_secret) });
      statuses.push(response.status);
    }
    // The same client's id in the form body (client_secret_post) counts into the same budget too.
    const posted = await postForm(`${server.url}/oauth/token`, { grant_type: 'password', username: 'nobody', password: 'wrong', client_id: 'sprayer', client_secret: client.client_secret });
    statuses.push(posted.status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  it('every grant: differently encoded ids of one client share its token budget', async () => {
    const client = await server.createClient({ client_id: 'encoded', grant_types: ['client_credentials'] });
    const statuses: number[] = [];
    for (const user of [...spellings('encoded'), 'enc%6fded', '%65ncoded', 'encode%64']) {
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: rawBasic(user, client.client_secret) });
      statuses.push(response.status);
    }
    // Authenticated requests count under the id the authentication decoded (6 per window here).
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
  });
});
