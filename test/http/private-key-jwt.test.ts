import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type JsonWebKey } from 'node:crypto';
import { base64url, exportJWK, generateKeyPair, importPKCS8, SignJWT, type CryptoKey, type KeyObject } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface ErrorBody {
  error: string;
  error_description: string;
}

describe.each(STORES)('client keys and private_key_jwt on %s', (store) => {
  let server: TestServer;
  let clientId: string;
  let privateKey: KeyObject;
  let privatePem: string;
  let kid: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const created = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', scope: 'read' });
    clientId = created.client_id;
    const generated = await server.admin('POST', `/clients/${clientId}/keys`, {});
    expect(generated.status).toBe(201);
    const body = (await generated.json()) as { key: { kid: string; alg: string; d?: string }; private_key_pem: string };
    expect(body.key.alg).toBe('ES256');
    expect(body.key).not.toHaveProperty('d');
    expect(body.private_key_pem).toContain('BEGIN PRIVATE KEY');
    kid = body.key.kid;
    privateKey = createPrivateKey(body.private_key_pem);
    privatePem = body.private_key_pem;
  });
  afterAll(async () => {
    await server.close();
  });

  function assertion(options: { key?: KeyObject | CryptoKey | Uint8Array; alg?: string; kid?: string; iss?: string; aud?: string; lifetime?: number; jti?: string; iatOffset?: number } = {}) {
    const now = Math.floor(Date.now() / 1000) + (options.iatOffset ?? 0);
    return new SignJWT({ jti: options.jti ?? randomUUID() })
      .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? kid })
      .setIssuer(options.iss ?? clientId)
      .setSubject(options.iss ?? clientId)
      .setAudience(options.aud ?? `${server.url}/oauth/token`)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.lifetime ?? 60))
      .sign(options.key ?? privateKey);
  }
  const tokenWith = (clientAssertion: string, extra: Record<string, string> = {}) =>
    postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion, ...extra });
  async function expectInvalidClient(response: Response): Promise<string> {
    expect(response.status).toBe(401);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toBe('invalid_client');
    return body.error_description;
  }

  it('issues a token for a valid assertion, with the issuer as audience too', async () => {
    expect((await tokenWith(await assertion())).status).toBe(200);
    expect((await tokenWith(await assertion({ aud: server.url }))).status).toBe(200);
  });

  it('refuses a replayed assertion', async () => {
    const once = await assertion();
    expect((await tokenWith(once)).status).toBe(200);
    expect(await expectInvalidClient(await tokenWith(once))).toMatch(/already used/);
  });

  it('lets exactly one of many simultaneous uses of one assertion through (claims are written in groups)', async () => {
    const once = await assertion();
    const fresh = await Promise.all(Array.from({ length: 5 }, () => assertion()));
    const responses = await Promise.all([...Array.from({ length: 10 }, () => tokenWith(once)), ...fresh.map((other) => tokenWith(other))]);
    const statuses = responses.map((response) => response.status);
    expect(statuses.slice(0, 10).filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.slice(0, 10).filter((status) => status === 401)).toHaveLength(9);
    expect(statuses.slice(10)).toEqual([200, 200, 200, 200, 200]);
  });

  it('refuses another client’s key, alg none, HS256 with the public key, wrong audience, expiry and long lifetimes', async () => {
    const { privateKey: stranger } = await generateKeyPair('ES256');
    await expectInvalidClient(await tokenWith(await assertion({ key: stranger })));

    const [, payload] = (await assertion()).split('.');
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', kid }))}.${payload}.`;
    await expectInvalidClient(await tokenWith(none));

    const stored = (await (await server.admin('GET', `/clients/${clientId}/keys`)).json()) as { keys: Record<string, string>[] };
    const publicBytes = new TextEncoder().encode(JSON.stringify(stored.keys[0]));
    await expectInvalidClient(await tokenWith(await assertion({ key: publicBytes, alg: 'HS256' })));
    const publicPem = createPublicKey({ key: stored.keys[0] as JsonWebKey, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    expect(await expectInvalidClient(await tokenWith(await assertion({ key: new TextEncoder().encode(publicPem), alg: 'HS256' })))).toMatch(/alg must be one of/);

    await expectInvalidClient(await tokenWith(await assertion({ aud: 'https://elsewhere.example/token' })));
    await expectInvalidClient(await tokenWith(await assertion({ iatOffset: -600, lifetime: 60 })));
    expect(await expectInvalidClient(await tokenWith(await assertion({ lifetime: 3600 })))).toMatch(/at most 300/);
    await expectInvalidClient(await tokenWith(await assertion({ kid: 'no-such-kid' })));
    expect(await expectInvalidClient(await tokenWith(await assertion({ iatOffset: 365 * 86_400 })))).toMatch(/at most 300/);
    await expectInvalidClient(await tokenWith(await assertion(), { client_assertion_type: 'urn:example:other' }));
  });

  it('refuses assertions without exp or jti, and far-future ones without iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = () => new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(clientId).setSubject(clientId).setAudience(server.url);
    expect(await expectInvalidClient(await tokenWith(await base().setIssuedAt(now).sign(privateKey)))).toMatch(/'exp'/);
    const noJti = new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(server.url)
      .setIssuedAt(now)
      .setExpirationTime(now + 60);
    expect(await expectInvalidClient(await tokenWith(await noJti.sign(privateKey)))).toMatch(/'jti'/);
    expect(
      await expectInvalidClient(
        await tokenWith(
          await base()
            .setExpirationTime(now + 86_400)
            .sign(privateKey),
        ),
      ),
    ).toMatch(/at most 300/);
  });

  it('refuses an assertion signed with a key registered on another client', async () => {
    const other = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', scope: 'read' });
    const otherKey = (await (await server.admin('POST', `/clients/${other.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const otherPrivate = createPrivateKey(otherKey.private_key_pem);
    expect(await expectInvalidClient(await tokenWith(await assertion({ key: otherPrivate, kid: otherKey.key.kid })))).toMatch(/key the client does not have/);
    expect(await expectInvalidClient(await tokenWith(await assertion({ key: otherPrivate })))).toMatch(/signature/);
    // The same key works for its own client.
    expect((await tokenWith(await assertion({ key: otherPrivate, kid: otherKey.key.kid, iss: other.client_id }))).status).toBe(200);
  });

  it('refuses algorithms outside RS256, PS256, ES256 and EdDSA, and PS256 for a key registered for RS256', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const added = (await (await server.admin('POST', `/clients/${clientId}/keys`, { key: rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-key' })).json()) as { key: { alg: string } };
    expect(added.key.alg).toBe('RS256');
    expect(await expectInvalidClient(await tokenWith(await assertion({ key: rsa.privateKey, kid: 'rsa-key', alg: 'RS512' })))).toMatch(/alg must be one of/);
    expect(await expectInvalidClient(await tokenWith(await assertion({ key: rsa.privateKey, kid: 'rsa-key', alg: 'PS256' })))).toMatch(/does not sign with PS256/);
    expect((await tokenWith(await assertion({ key: rsa.privateKey, kid: 'rsa-key', alg: 'RS256' }))).status).toBe(200);
    expect((await server.admin('DELETE', `/clients/${clientId}/keys/rsa-key`)).status).toBe(204);
  });

  it('refuses an alg that does not fit the key type', async () => {
    const { privateKey: rsa } = await generateKeyPair('RS256');
    expect(await expectInvalidClient(await tokenWith(await assertion({ key: rsa, alg: 'RS256' })))).toMatch(/does not sign with RS256/);
  });

  it('refuses an assertion replayed at another instance sharing the database', async () => {
    const twin = await startTestServer({
      store,
      dataDir: server.dataDir,
      ...(server.databaseUrl ? { database: { url: server.databaseUrl, name: '', drop: async () => undefined } } : {}),
    });
    try {
      twin.config.issuer = server.url;
      const once = await assertion();
      expect((await tokenWith(once)).status).toBe(200);
      const replay = await postForm(`${twin.url}/oauth/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: once });
      expect(await expectInvalidClient(replay)).toMatch(/already used/);
    } finally {
      await twin.close();
    }
  });

  it('refuses secrets for a private_key_jwt client and assertions for secret clients', async () => {
    const pkjwt = await server.admin('GET', `/clients/${clientId}`);
    expect(((await pkjwt.json()) as { token_endpoint_auth_method: string }).token_endpoint_auth_method).toBe('private_key_jwt');
    const secretClient = await server.createClient();
    const { privateKey: key } = await generateKeyPair('ES256', { extractable: true });
    expect((await server.admin('POST', `/clients/${secretClient.client_id}/keys`, { key: await exportJWK(await generateKeyPair('ES256').then((pair) => pair.publicKey)) })).status).toBe(201);
    await expectInvalidClient(await tokenWith(await assertion({ iss: secretClient.client_id, key })));
  });

  it('enforces the client’s expiry for assertions too', async () => {
    const expiring = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', expires_at: '2020-01-01' });
    const generated = (await (await server.admin('POST', `/clients/${expiring.client_id}/keys`, { alg: 'EdDSA' })).json()) as { key: { kid: string }; private_key_pem: string };
    const signed = await assertion({ iss: expiring.client_id, kid: generated.key.kid, alg: 'EdDSA', key: createPrivateKey(generated.private_key_pem) });
    expect(await expectInvalidClient(await tokenWith(signed))).toMatch(/expired/);
  });

  it('authenticates introspection and revocation with assertions', async () => {
    const issued = (await (await tokenWith(await assertion())).json()) as { access_token: string };
    const introspection = await postForm(`${server.url}/oauth/introspect`, { token: issued.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion() });
    expect(((await introspection.json()) as { active: boolean }).active).toBe(true);
    const revoked = await postForm(`${server.url}/oauth/revoke`, { token: issued.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion() });
    expect(revoked.status).toBe(200);
  });

  it('works with oauth4webapi PrivateKeyJwt', async () => {
    const issuer = new URL(server.url);
    const options = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oauth2' }));
    const client: oauth.Client = { client_id: clientId };
    const auth = oauth.PrivateKeyJwt({ key: await importPKCS8(privatePem, 'ES256'), kid });
    const response = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, {}, options));
    expect(response.scope).toBe('read');
  });
});

describe('client key formats', () => {
  let server: TestServer;
  let clientId: string;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    clientId = (await server.createClient({ token_endpoint_auth_method: 'private_key_jwt' })).client_id;
  });
  afterAll(async () => {
    await server.close();
  });

  const add = (body: Record<string, unknown>) => server.admin('POST', `/clients/${clientId}/keys`, body);

  function openSshLine(type: string, parts: Buffer[]): string {
    const field = (value: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(value.length);
      return Buffer.concat([length, value]);
    };
    return `${type} ${Buffer.concat([field(Buffer.from(type)), ...parts.map(field)]).toString('base64')} comment@host`;
  }

  it('accepts a PEM, a JWK and OpenSSH ed25519, ecdsa and rsa lines', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect((await add({ key: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString() })).status).toBe(201);
    const ed = generateKeyPairSync('ed25519');
    expect((await add({ key: ed.publicKey.export({ format: 'jwk' }), kid: 'my-ed-key' })).status).toBe(201);

    const edJwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const edLine = openSshLine('ssh-ed25519', [Buffer.from(edJwk.x ?? '', 'base64url')]);
    const edAdded = (await (await add({ key: edLine })).json()) as { key: { alg: string; x: string } };
    expect(edAdded.key).toMatchObject({ alg: 'EdDSA', x: edJwk.x });

    const ecJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(ecJwk.x ?? '', 'base64url'), Buffer.from(ecJwk.y ?? '', 'base64url')]);
    const ecLine = openSshLine('ecdsa-sha2-nistp256', [Buffer.from('nistp256'), point]);
    expect(((await (await add({ key: ecLine })).json()) as { key: { alg: string } }).key.alg).toBe('ES256');

    const rsaJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const rsaLine = openSshLine('ssh-rsa', [Buffer.from(rsaJwk.e ?? '', 'base64url'), Buffer.concat([Buffer.from([0]), Buffer.from(rsaJwk.n ?? '', 'base64url')])]);
    expect(((await (await add({ key: rsaLine })).json()) as { key: { alg: string } }).key.alg).toBe('RS256');

    const keys = (await (await server.admin('GET', `/clients/${clientId}/keys`)).json()) as { keys: { kid: string }[] };
    expect(keys.keys.map((key) => key.kid)).toContain('my-ed-key');
    expect((await server.admin('DELETE', `/clients/${clientId}/keys/my-ed-key`)).status).toBe(204);
    expect((await server.admin('DELETE', `/clients/${clientId}/keys/my-ed-key`)).status).toBe(404);
  });

  it('authenticates with a key registered as an OpenSSH line', async () => {
    const pair = generateKeyPairSync('ed25519');
    const x = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const added = await add({ key: openSshLine('ssh-ed25519', [x]), kid: 'from-ssh' });
    expect(added.status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    const signed = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'from-ssh' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${server.url}/oauth/token`)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(pair.privateKey);
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: signed });
    expect(response.status).toBe(200);
    expect((await server.admin('DELETE', `/clients/${clientId}/keys/from-ssh`)).status).toBe(204);
  });

  it('refuses an ssh-rsa key under 2048 bits and an OpenSSH line whose type does not match its data', async () => {
    const rsaJwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const weak = await add({ key: openSshLine('ssh-rsa', [Buffer.from(rsaJwk.e ?? '', 'base64url'), Buffer.concat([Buffer.from([0]), Buffer.from(rsaJwk.n ?? '', 'base64url')])]) });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as ErrorBody).error_description).toMatch(/2048 bits/);
    const edX = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const lying = openSshLine('ssh-ed25519', [edX]).replace(/^ssh-ed25519/, 'ssh-rsa');
    expect((await add({ key: lying })).status).toBe(400);
  });

  it('checks keys given through the raw jwks field of the client metadata as strictly', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    for (const [keys, reason] of [
      [[{ ...weak, kid: 'weak' }], /2048 bits/],
      [[{ ...p384, kid: 'p384' }], /P-256/],
      [[{ ...ec, kid: 'ec', alg: 'RS256' }], /signs with ES256, not RS256/],
      [[{ ...ec, kid: 'ec', alg: 'HS256' }], /not HS256/],
      [
        [
          { ...ec, kid: 'same' },
          { ...ec, kid: 'same' },
        ],
        /two keys/,
      ],
    ] as const) {
      const response = await server.admin('POST', '/clients', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys } });
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody & { field: string };
      expect(body.field).toBe('jwks');
      expect(body.error_description).toMatch(reason);
    }
    expect((await server.admin('POST', '/clients', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...ec, kid: 'ec', alg: 'ES256' }] } })).status).toBe(201);
  });

  it('refuses weak, private, symmetric and unsupported keys with a clear error', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const weakAnswer = await add({ key: weak });
    expect(weakAnswer.status).toBe(400);
    expect(((await weakAnswer.json()) as ErrorBody).error_description).toMatch(/2048 bits/);
    const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await add({ key: privatePem })).status).toBe(400);
    expect((await add({ key: { kty: 'oct', k: 'c2VjcmV0' } })).status).toBe(400);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await add({ key: p384 })).status).toBe(400);
    expect((await add({ key: 'ssh-dss AAAAB3NzaC1kc3M= old' })).status).toBe(400);
    expect((await add({ key: 'not a key' })).status).toBe(400);
  });
});

describe('secret clients', () => {
  it('keep working with Basic alongside key clients', async () => {
    const server = await startTestServer({ store: 'sqlite' });
    try {
      const client = await server.createClient();
      expect((await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe.each(STORES)('JWT-bearer grant (RFC 7523 §2.1) on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let appKey: KeyObject;
  let appKid: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    app = await server.createClient({ scope: 'profile', may_act_for_users: true });
    const generated = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, { alg: 'RS256' })).json()) as { key: { kid: string }; private_key_pem: string };
    appKey = createPrivateKey(generated.private_key_pem);
    appKid = generated.key.kid;
    userId = ((await (await server.admin('POST', '/users', { username: 'Nora', password: 'nora password 1' })).json()) as { id: string }).id;
    await server.admin('POST', '/users', { username: 'otto', password: 'otto password 1', enabled: false });
  });
  afterAll(async () => {
    await server.close();
  });

  const grant = (sub: string, options: { key?: KeyObject; kid?: string; iss?: string; alg?: string; jti?: string } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: options.jti ?? randomUUID() })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? appKid })
      .setIssuer(options.iss ?? app.client_id)
      .setSubject(sub)
      .setAudience(server.url)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(options.key ?? appKey);
  };
  const exchange = (assertion: string, headers: Record<string, string> = {}) =>
    postForm(`${server.url}/oauth/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }, headers);

  it('issues a token for the named user, by username or id', async () => {
    for (const subject of ['nora', userId]) {
      const response = await exchange(await grant(subject));
      expect(response.status).toBe(200);
      const body = (await response.json()) as { access_token: string; refresh_token?: string };
      expect(body.refresh_token).toBeUndefined();
      const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ sub: userId, client_id: app.client_id, username: 'Nora', scope: 'profile' });
    }
    expect((await exchange(await grant('nora'), { authorization: basicAuth(app.client_id, app.client_secret) })).status).toBe(200);
  });

  it('refuses replays, disabled or unknown users, foreign keys and clients that may not act for users', async () => {
    const once = await grant('nora');
    expect((await exchange(once)).status).toBe(200);
    const replay = await exchange(once);
    expect(((await replay.json()) as ErrorBody).error).toBe('invalid_grant');
    expect(((await (await exchange(await grant('otto'))).json()) as ErrorBody).error).toBe('invalid_grant');
    expect(((await (await exchange(await grant('nobody'))).json()) as ErrorBody).error).toBe('invalid_grant');
    const { privateKey: stranger } = await generateKeyPair('RS256');
    expect(((await (await exchange(await grant('nora', { key: stranger as unknown as KeyObject }))).json()) as ErrorBody).error).toBe('invalid_grant');

    const other = await server.createClient({ scope: 'profile' });
    const otherKey = (await (await server.admin('POST', `/clients/${other.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const notAllowed = await exchange(await grant('nora', { iss: other.client_id, kid: otherKey.key.kid, alg: 'ES256', key: createPrivateKey(otherKey.private_key_pem) }));
    expect(((await notAllowed.json()) as ErrorBody).error).toBe('unauthorized_client');
    const mismatch = await exchange(await grant('nora'), { authorization: basicAuth(other.client_id, other.client_secret) });
    expect(((await mismatch.json()) as ErrorBody).error).toBe('invalid_grant');
  });

  it('refuses the grant once the application has expired', async () => {
    expect((await server.admin('PATCH', `/clients/${app.client_id}`, { expires_at: '2020-01-01' })).status).toBe(200);
    try {
      const response = await exchange(await grant('nora'));
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error).toBe('invalid_grant');
      expect(body.error_description).toMatch(/expired/);
    } finally {
      expect((await server.admin('PATCH', `/clients/${app.client_id}`, { expires_at: null })).status).toBe(200);
    }
  });
});
