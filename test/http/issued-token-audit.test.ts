import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from '../helpers/audit.js';
import { basicAuth, postForm, scrapeMetrics, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface TokenBody {
  access_token: string;
  refresh_token?: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function claimsOf(token: string): { sub: string; jti: string; exp: number; scope?: string; client_id: string } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; jti: string; exp: number; scope?: string; client_id: string };
}

/** Every access token issued (each grant, the application token endpoint) is a token.issued audit event. */
describe.each(STORES)('issued tokens in the audit log on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let key: KeyObject;
  let kid: string;
  let userId: string;
  const issued: { grant: string; body: TokenBody }[] = [];

  beforeAll(async () => {
    server = await startTestServer({ store });
    app = await server.createClient({
      client_id: 'issuing-app',
      scope: 'profile orders',
      grant_types: ['client_credentials', 'password'],
      refresh_tokens: true,
      may_act_for_users: true,
    });
    const generated = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    key = createPrivateKey(generated.private_key_pem);
    kid = generated.key.kid;
    userId = ((await (await server.admin('POST', '/users', { username: 'tess', password: 'tess password 1' })).json()) as { id: string }).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const basic = () => ({ authorization: basicAuth(app.client_id, app.client_secret) });
  const signed = (claims: Record<string, unknown>, audience: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(app.client_id)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
  };
  async function issue(grant: string, url: string, params: Record<string, string>, headers: Record<string, string> = basic()): Promise<TokenBody> {
    const response = await postForm(url, params, headers);
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as TokenBody;
    issued.push({ grant, body });
    return body;
  }
  const audit = (query: Record<string, string>) => auditPage(server, { limit: '500', ...query });

  it('records every grant and the application token endpoint with client, grant type, subject, scope, jti and expiry, never a token', async () => {
    const tokenUrl = `${server.url}/oauth/token`;
    const appTokenUrl = `${server.url}/api/auth/sign/ap/token`;
    await issue('client_credentials', tokenUrl, { grant_type: 'client_credentials', scope: 'orders' });
    const password = await issue('password', tokenUrl, { grant_type: 'password', username: 'tess', password: 'tess password 1', scope: 'profile offline_access' });
    expect(password.refresh_token).toBeDefined();
    await issue('refresh_token', tokenUrl, { grant_type: 'refresh_token', refresh_token: password.refresh_token! });
    await issue(JWT_BEARER, tokenUrl, { grant_type: JWT_BEARER, assertion: await signed({ sub: 'tess', scope: 'profile' }, server.url) }, {});
    await issue('application_token', appTokenUrl, { request: await signed({ scope: 'orders' }, appTokenUrl) });
    await issue('application_token', appTokenUrl, { request: await signed({ sub: 'tess' }, appTokenUrl) });

    // Written by the batch timer shortly after the answers.
    await expect.poll(async () => (await audit({ action: 'token.issued' })).total, { timeout: 30_000 }).toBe(issued.length);
    const { events } = await audit({ action: 'token.issued' });
    for (const { grant, body } of issued) {
      const claims = claimsOf(body.access_token);
      const event = events.find((candidate) => candidate.jti === claims.jti);
      expect(event, grant).toEqual({
        id: expect.any(String) as string,
        at: expect.any(String) as string,
        actor: 'client',
        action: 'token.issued',
        target: app.client_id,
        outcome: 'success',
        status: 200,
        reason: null,
        client_id: app.client_id,
        source_address: '127.0.0.1',
        grant_type: grant,
        subject: claims.sub,
        scope: claims.scope ?? null,
        jti: claims.jti,
        expires_at: new Date(claims.exp * 1000).toISOString(),
      });
    }
    expect(events.filter((event) => event.subject === userId)).toHaveLength(4);

    const text = JSON.stringify(await audit({}));
    for (const { body } of issued) {
      expect(text).not.toContain(body.access_token.split('.')[2]);
      if (body.refresh_token) expect(text).not.toContain(body.refresh_token);
    }
    expect(text).not.toContain(app.client_secret);
    expect(text).not.toContain('tess password 1');
  });

  it('filters by grant type and subject, pages as before', async () => {
    const byGrant = await audit({ grant_type: 'password' });
    expect(byGrant.events.map((event) => event.grant_type)).toEqual(['password']);
    const bySubject = await audit({ subject: userId });
    expect(bySubject.total).toBe(4);
    expect(new Set(bySubject.events.map((event) => event.grant_type))).toEqual(new Set(['password', 'refresh_token', JWT_BEARER, 'application_token']));
    expect((await audit({ subject: userId, grant_type: 'application_token' })).total).toBe(1);
    expect((await audit({ subject: app.client_id, action: 'token.issued' })).total).toBe(2);
    const first = await audit({ action: 'token.issued', limit: '2', offset: '0' });
    const second = await audit({ action: 'token.issued', limit: '2', offset: '2' });
    expect(first.total).toBe(issued.length);
    expect([...first.events, ...second.events].map((event) => event.id)).toEqual((await audit({ action: 'token.issued' })).events.slice(0, 4).map((event) => event.id));
    for (const [name, value] of [
      ['grant_type', 'x'.repeat(201)],
      ['subject', 'y'.repeat(201)],
    ] as const) {
      const response = await server.admin('GET', `/audit?${name}=${value}`);
      expect(response.status).toBe(400);
      expect((await response.json()) as Record<string, unknown>).toMatchObject({ error: 'invalid_request', field: name });
    }
  });

  it("counts tokens in the metrics under the audit's grant types (application_token included)", async () => {
    const metrics = await (await scrapeMetrics(server.url)).text();
    const counted = (grant: string) => Number(new RegExp(`^gatehouse_tokens_issued_total\\{[^}]*grant_type="${grant}"[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    for (const grant of new Set(issued.map((entry) => entry.grant))) {
      expect(counted(grant), grant).toBe(issued.filter((entry) => entry.grant === grant).length);
    }
    expect(metrics).not.toContain('grant_type="app_token"');
  });

  it('records a refused request as token.refused only, not as issued', async () => {
    const before = (await audit({ action: 'token.issued' })).total;
    const refused = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'admin' }, basic());
    expect(refused.status).toBe(400);
    await server.gatehouse.audit.flush();
    expect((await audit({ action: 'token.issued' })).total).toBe(before);
    expect((await audit({ action: 'token.refused', client_id: app.client_id })).events[0]).toMatchObject({ reason: expect.stringMatching(/^invalid_scope/) as string, grant_type: null });
  });
});
