import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freezeDate } from '../helpers/frozen-date.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface Introspection {
  active: boolean;
  [claim: string]: unknown;
}

describe.each(STORES)('introspection and revocation on %s', (store) => {
  let server: TestServer;
  let owner: { client_id: string; client_secret: string };
  let other: { client_id: string; client_secret: string };

  beforeAll(async () => {
    server = await startTestServer({ store });
    owner = await server.createClient({ scope: 'read write' });
    other = await server.createClient({ scope: 'read' });
  });
  afterAll(async () => {
    await server.close();
  });

  const as = (client: { client_id: string; client_secret: string }) => ({ authorization: basicAuth(client.client_id, client.client_secret) });
  async function tokenFor(client: { client_id: string; client_secret: string }): Promise<string> {
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, as(client));
    return ((await response.json()) as { access_token: string }).access_token;
  }
  async function introspect(token: string, caller = other): Promise<Introspection> {
    const response = await postForm(`${server.url}/oauth/introspect`, { token }, as(caller));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return (await response.json()) as Introspection;
  }

  it('describes an active token per RFC 7662', async () => {
    const token = await tokenFor(owner);
    const body = await introspect(token);
    expect(body).toMatchObject({ active: true, scope: 'read write', client_id: owner.client_id, sub: owner.client_id, iss: server.url, aud: server.url, token_type: 'Bearer' });
    expect(typeof body.exp).toBe('number');
    expect(typeof body.iat).toBe('number');
    expect(typeof body.jti).toBe('string');
  });

  it('needs client authentication and a token parameter', async () => {
    const token = await tokenFor(owner);
    const anonymous = await postForm(`${server.url}/oauth/introspect`, { token });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: string }).error).toBe('invalid_client');
    const missing = await postForm(`${server.url}/oauth/introspect`, {}, as(owner));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('answers exactly {"active": false} for malformed, foreign, unsigned and expired tokens', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = (await (await fetch(`${server.url}/oauth/jwks`)).json()) as JSONWebKeySet;
    const kid = jwks.keys[0]?.kid ?? 'x';
    const claims = { client_id: owner.client_id, scope: 'read', jti: 'forged' };
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(server.url)
      .setSubject(owner.client_id)
      .setAudience(server.url)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: (await exportJWK(publicKey)).x ?? 'k' })
      .setIssuer('https://other-issuer.example')
      .setSubject(owner.client_id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const [header, payload] = (await tokenFor(owner)).split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid })).toString('base64url')}.${payload}.`;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url')}.${(await tokenFor(owner)).split('.')[2]}`;
    for (const token of ['garbage', 'a.b.c', forged, foreign, unsigned, tampered, 'x'.repeat(20_000)]) {
      expect(await introspect(token)).toEqual({ active: false });
    }

    // A one-second token is active during its second and inactive after it, on a clock that only moves when
    // told to (on the real one, a token issued late in a second may have expired before it is introspected).
    const shortLived = await server.createClient({ access_token_lifetime: 1 });
    const clock = freezeDate();
    try {
      const expiring = await tokenFor(shortLived);
      expect((await introspect(expiring)).active).toBe(true);
      clock.advance(2_000);
      expect(await introspect(expiring)).toEqual({ active: false });
    } finally {
      vi.useRealTimers();
    }
  });

  it('turns tokens inactive when their client is disabled or deleted', async () => {
    const doomed = await server.createClient();
    const token = await tokenFor(doomed);
    expect((await introspect(token)).active).toBe(true);
    await server.admin('PATCH', `/clients/${doomed.client_id}`, { enabled: false });
    expect(await introspect(token)).toEqual({ active: false });
    await server.admin('PATCH', `/clients/${doomed.client_id}`, { enabled: true });
    expect((await introspect(token)).active).toBe(true);
    await server.admin('DELETE', `/clients/${doomed.client_id}`);
    expect(await introspect(token)).toEqual({ active: false });
  });

  it('lets a client revoke its own token, not another client’s, and answers 200 for unknown tokens', async () => {
    const token = await tokenFor(owner);
    const refused = await postForm(`${server.url}/oauth/revoke`, { token }, as(other));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('unauthorized_client');
    expect((await introspect(token)).active).toBe(true);

    const revoked = await postForm(`${server.url}/oauth/revoke`, { token, token_type_hint: 'access_token' }, as(owner));
    expect(revoked.status).toBe(200);
    expect(await introspect(token)).toEqual({ active: false });
    expect((await postForm(`${server.url}/oauth/revoke`, { token }, as(owner))).status).toBe(200);
    expect((await postForm(`${server.url}/oauth/revoke`, { token: 'no-such-token' }, as(owner))).status).toBe(200);

    const missing = await postForm(`${server.url}/oauth/revoke`, {}, as(owner));
    expect(missing.status).toBe(400);
    const anonymous = await postForm(`${server.url}/oauth/revoke`, { token });
    expect(anonymous.status).toBe(401);
  });

  it('remembers a revocation across a restart on the same store', async () => {
    const token = await tokenFor(owner);
    expect((await postForm(`${server.url}/oauth/revoke`, { token }, as(owner))).status).toBe(200);
    const twin = await startTestServer({ store, dataDir: server.dataDir, ...(server.databaseUrl ? { database: { url: server.databaseUrl, name: '', drop: async () => undefined } } : {}) });
    try {
      twin.config.issuer = server.url;
      const response = await postForm(`${twin.url}/oauth/introspect`, { token }, as(owner));
      expect(await response.json()).toEqual({ active: false });
      const fresh = await tokenFor(owner);
      expect(((await (await postForm(`${twin.url}/oauth/introspect`, { token: fresh }, as(owner))).json()) as Introspection).active).toBe(true);
    } finally {
      await twin.close();
    }
  });
});

describe.each(STORES)('discovery, JWKS and health on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
    await server.createClient({ scope: 'invoices:read invoices:write' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('publishes RFC 8414 metadata with the configured issuer', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.token_endpoint).toBe(`${server.url}/oauth/token`);
    expect(metadata.jwks_uri).toBe(`${server.url}/oauth/jwks`);
    expect(metadata.introspection_endpoint).toBe(`${server.url}/oauth/introspect`);
    expect(metadata.revocation_endpoint).toBe(`${server.url}/oauth/revoke`);
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'password', 'refresh_token']));
    // `none`: public clients of the authorization code flow (they prove PKCE instead).
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'RS256', 'PS256']);
    // The declared scopes (see discovery-scopes.test.ts), not those of the client created above.
    expect(metadata.scopes_supported).toEqual(['commands', 'email', 'offline_access', 'openid', 'profile', 'roles', 'users']);
    for (const endpoint of ['introspection', 'revocation']) {
      expect(metadata[`${endpoint}_endpoint_auth_methods_supported`]).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
    }
    expect(metadata.access_token_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'RS256', 'PS256']);
  });

  it('lists a scope element in the metadata as soon as a security profile maps it', async () => {
    expect((await server.admin('POST', '/profiles', { name: 'ledger', scope_element_mapping: { 'ledger:audit': [] } })).status).toBe(201);
    await server.gatehouse.changes.pollNow();
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as { scopes_supported: string[] };
    expect(metadata.scopes_supported).toContain('ledger:audit');
  });

  it('publishes only public key members in the JWKS', async () => {
    const response = await fetch(`${server.url}/oauth/jwks`);
    expect(response.headers.get('content-type')).toMatch(/json/);
    const jwks = (await response.json()) as JSONWebKeySet;
    expect(jwks.keys.length).toBeGreaterThan(0);
    // The access-token key (ES256) and the RS256 key of ID tokens.
    expect(jwks.keys.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ use: 'sig' });
      expect(typeof key.kid).toBe('string');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(secret);
    }
  });

  it('answers health and readiness, and JSON 404s', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
    const missing = await fetch(`${server.url}/no/such/path`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('not_found');
  });
});
