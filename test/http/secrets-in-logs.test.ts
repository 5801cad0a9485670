import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAppToken } from '../../src/client-sdk/index.js';
import { ADMIN_TOKEN, basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MASTER_SECRET = 'bG9nLXRlc3QtbWFzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJj';

/**
 * A full scenario at the most verbose log level, with every secret Gatehouse handles passing through it:
 * client secrets (new, rotated, wrong), user passwords (right, wrong, changed), refresh tokens, access
 * tokens, client assertions, generated private keys, the admin token, the master secret, and secrets
 * sent where they do not belong (the query string, a JSON body field). None may appear in the log.
 */
describe('secrets never reach the log, even at trace level', () => {
  let server: TestServer;
  const lines: string[] = [];
  const secrets = new Set<string>([ADMIN_TOKEN, MASTER_SECRET]);
  const remember = (...values: (string | undefined)[]) => {
    for (const value of values) if (value) secrets.add(value);
  };

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { logLevel: 'trace', masterSecret: MASTER_SECRET }, logDestination: { write: (line) => lines.push(line) } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('logs the scenario without a single secret', async () => {
    const url = server.url;
    // Clients: created (secret shown once), used, used wrongly, rotated.
    const service = await server.createClient({ client_name: 'billing', scope: 'users' });
    const chosenSecret = `chosen-${randomUUID()}`;
    const chosen = await server.createClient({ client_name: 'chosen secret', client_secret: chosenSecret });
    remember(service.client_secret, chosen.client_secret, chosenSecret);
    const issued = (await (
      await postForm(`${url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: basicAuth(service.client_id, service.client_secret) })
    ).json()) as { access_token: string };
    remember(issued.access_token);
    const wrongSecret = `wrong-${randomUUID()}`;
    remember(wrongSecret);
    expect((await postForm(`${url}/oauth/token`, { grant_type: 'client_credentials', client_id: service.client_id, client_secret: wrongSecret })).status).toBe(401);
    const querySecret = `query-${randomUUID()}`;
    remember(querySecret);
    expect((await postForm(`${url}/oauth/token?client_id=${service.client_id}&client_secret=${querySecret}`, { grant_type: 'client_credentials' })).status).toBeGreaterThanOrEqual(400);
    const rotated = (await (await server.admin('POST', `/clients/${service.client_id}/secret`, { grace_period: 0 })).json()) as { client_secret: string };
    remember(rotated.client_secret);

    // Users: created with a password, password grant right and wrong, refresh, password changed.
    const password = `pw-${randomUUID()}`;
    const newPassword = `new-pw-${randomUUID()}`;
    const wrongPassword = `wrong-pw-${randomUUID()}`;
    remember(password, newPassword, wrongPassword);
    const user = (await (await server.admin('POST', '/users', { username: 'alice', password, display_name: 'Alice' })).json()) as { id: string };
    const app = await server.createClient({ client_name: 'mobile', grant_types: ['password'], refresh_tokens: true, scope: 'profile' });
    remember(app.client_secret);
    const appAuth = { authorization: basicAuth(app.client_id, app.client_secret) };
    const userTokens = (await (await postForm(`${url}/oauth/token`, { grant_type: 'password', username: 'alice', password, scope: 'profile offline_access' }, appAuth)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    remember(userTokens.access_token, userTokens.refresh_token);
    expect((await postForm(`${url}/oauth/token`, { grant_type: 'password', username: 'alice', password: wrongPassword }, appAuth)).status).toBe(400);
    const refreshed = (await (await postForm(`${url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: userTokens.refresh_token }, appAuth)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    remember(refreshed.access_token, refreshed.refresh_token);
    // Reuse of the rotated refresh token (reuse detection logs the family, never the token).
    expect((await postForm(`${url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: userTokens.refresh_token }, appAuth)).status).toBe(400);
    expect((await server.admin('POST', `/users/${user.id}/password`, { password: newPassword })).status).toBe(204);
    // A password sent in a JSON body the API refuses.
    expect((await server.admin('POST', '/users', { username: 'alice', password: newPassword })).status).toBe(409);

    // Keys: a generated pair (private key shown once), assertions, the application token endpoint.
    const keyed = await server.createClient({ client_name: 'keyed', token_endpoint_auth_method: 'private_key_jwt', scope: 'users' });
    const pair = (await (await server.admin('POST', `/clients/${keyed.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const pemBody = pair.private_key_pem
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('-----'))
      .join('');
    remember(pemBody, ...pair.private_key_pem.split('\n').filter((line) => line.length > 40));
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: pair.key.kid })
      .setIssuer(keyed.client_id)
      .setSubject(keyed.client_id)
      .setAudience(`${url}/oauth/token`)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(createPrivateKey(pair.private_key_pem));
    remember(assertion);
    const asserted = (await (await postForm(`${url}/oauth/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion })).json()) as {
      access_token: string;
    };
    remember(asserted.access_token);
    expect((await postForm(`${url}/oauth/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion })).status).toBe(401);
    const appSecret = (await (await server.admin('POST', `/clients/${keyed.client_id}/secret`, {})).json()) as { client_secret?: string };
    remember(appSecret.client_secret);

    const signer = await server.createClient({ client_name: 'app', scope: 'users' });
    remember(signer.client_secret);
    const signerPair = (await (await server.admin('POST', `/clients/${signer.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    remember(...signerPair.private_key_pem.split('\n').filter((line) => line.length > 40));
    const appToken = await requestAppToken({ issuer: url, clientId: signer.client_id, clientSecret: signer.client_secret, privateKey: signerPair.private_key_pem, kid: signerPair.key.kid });
    remember(appToken.accessToken);

    // Tokens used at resources, introspected and revoked.
    expect((await fetch(`${url}/api/users`, { headers: { authorization: `Bearer ${asserted.access_token}` } })).status).toBe(200);
    expect((await fetch(`${url}/api/users`, { headers: { authorization: `Bearer ${issued.access_token}x` } })).status).toBe(401);
    const introspector = { authorization: basicAuth(signer.client_id, signer.client_secret) };
    expect((await postForm(`${url}/oauth/introspect`, { token: refreshed.access_token }, introspector)).status).toBe(200);
    expect((await postForm(`${url}/oauth/introspect`, { token: refreshed.refresh_token }, appAuth)).status).toBe(200);
    expect((await postForm(`${url}/oauth/revoke`, { token: refreshed.refresh_token }, appAuth)).status).toBe(200);
    expect((await postForm(`${url}/oauth/revoke`, { token: issued.access_token }, { authorization: basicAuth(service.client_id, rotated.client_secret) })).status).toBe(200);
    // Another client's token: refused (RFC 7009 §2.1), and the refusal is logged without the token.
    expect((await postForm(`${url}/oauth/revoke`, { token: asserted.access_token }, introspector)).status).toBe(400);
    expect((await fetch(`${url}/admin/api/clients`, { headers: { authorization: 'Bearer not-the-admin-token-0123456789' } })).status).toBe(401);

    // The log saw all of it, in detail (request lines included), so its silence about secrets means something.
    expect(lines.length).toBeGreaterThan(50);
    const log = lines.join('\n');
    expect(log).toContain('"msg":"incoming request"');
    expect(log).toContain('access token issued');
    expect(log).toContain('client_secret=[redacted]');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(20);
      if (log.includes(secret)) throw new Error(`a secret reached the log: ${lines.find((line) => line.includes(secret))?.slice(0, 400)}`);
    }
  });
});
