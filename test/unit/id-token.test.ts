import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { defaultClient } from '../../src/clients/client-metadata.js';
import { KeyEncryption } from '../../src/keys/key-encryption.js';
import { deriveKeys } from '../../src/keys/master-secret.js';
import { SigningKeys } from '../../src/keys/signing-keys.js';
import type { SigningKeysStore, StoredSigningKey } from '../../src/keys/signing-keys-store.js';
import type { SigningAlg } from '../../src/shared/signing-algs.js';
import { accessTokenHash, IdTokenIssuer } from '../../src/oauth/id-token-issuer.js';
import type { User } from '../../src/users/user.js';

const ISSUER = 'https://issuer.example';
const MAX_TOKEN_LIFETIME_S = 86_400;
const ID_TOKEN_LIFETIME_S = 600;
const RETENTION_MARGIN_MS = 5 * 60_000;

function memoryRepository(): SigningKeysStore & { rows: StoredSigningKey[] } {
  const rows: StoredSigningKey[] = [];
  const sorted = () => [...rows].sort((a, b) => a.activatesAt - b.activatesAt || a.createdAt - b.createdAt);
  return {
    rows,
    all: () => Promise.resolve(sorted()),
    insert: (key) => {
      rows.push(key);
      return Promise.resolve();
    },
    insertIfEmpty: (key) => {
      if (rows.some((row) => (row.purpose ?? 'access_token') === (key.purpose ?? 'access_token'))) return Promise.resolve(false);
      rows.push(key);
      return Promise.resolve(true);
    },
  };
}

const encryption = new KeyEncryption(deriveKeys(Buffer.alloc(32, 7)).keyEncryptionKey);

async function startedKeys(alg: SigningAlg, repository = memoryRepository()): Promise<SigningKeys> {
  const keys = new SigningKeys(
    repository,
    encryption,
    () => MAX_TOKEN_LIFETIME_S,
    undefined,
    () => ID_TOKEN_LIFETIME_S,
  );
  // As Gatehouse starts.
  await keys.ensureSigningKey(alg, 300);
  await keys.ensureIdTokenKey(alg, 300);
  return keys;
}

const client = { ...defaultClient('rp-1', Date.now()), clientName: 'Relying party' };
const user: User = {
  id: 'user-1',
  username: 'Ada',
  passwordHash: 'x',
  displayName: 'Ada Lovelace',
  email: 'ada@example.com',
  roles: [],
  enabled: true,
  failedAttempts: 0,
  firstFailedAt: null,
  lockedUntil: null,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_123_456,
};

describe('ID tokens', () => {
  it('are signed RS256 with typ JWT and verify against the JWKS, with the OIDC claims', async () => {
    const keys = await startedKeys('ES256');
    const issuer = new IdTokenIssuer({ issuer: ISSUER, idTokenLifetime: ID_TOKEN_LIFETIME_S }, keys);
    const accessToken = await keys.signingKeyAt(Date.now()).signer.sign({ sub: user.id });
    const authTime = Date.now() - 5_000;
    const token = await issuer.issue({ client, user, nonce: 'n-0S6_WzA2Mj', authTime, amr: ['pwd'], acr: 'urn:gatehouse:pin', accessToken, scopes: ['openid'] });

    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks(Date.now())), { issuer: ISSUER, audience: client.clientId, typ: 'JWT', algorithms: ['RS256'] });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: user.id, azp: client.clientId, nonce: 'n-0S6_WzA2Mj', auth_time: Math.floor(authTime / 1000), amr: ['pwd'], acr: 'urn:gatehouse:pin' });
    expect(payload.exp).toBe((payload.iat ?? 0) + ID_TOKEN_LIFETIME_S);
    // OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url.
    const expected = createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
    expect(payload.at_hash).toBe(expected);
    // Without profile or email, none of their claims.
    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('email');
    expect(payload).not.toHaveProperty('preferred_username');
  });

  it('leave out nonce, acr and at_hash when not given, and carry the profile and email claims their scopes ask for', async () => {
    const keys = await startedKeys('EdDSA');
    const issuer = new IdTokenIssuer({ issuer: ISSUER, idTokenLifetime: ID_TOKEN_LIFETIME_S }, keys);
    const token = await issuer.issue({ client, user, nonce: undefined, authTime: Date.now(), amr: ['pwd', 'otp'], scopes: ['openid', 'profile', 'email'] });
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks(Date.now())), { issuer: ISSUER, audience: client.clientId, typ: 'JWT' });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload).not.toHaveProperty('acr');
    expect(payload).not.toHaveProperty('at_hash');
    expect(payload).toMatchObject({
      name: 'Ada Lovelace',
      preferred_username: 'Ada',
      updated_at: 1_700_000_123,
      email: 'ada@example.com',
      email_verified: false,
      amr: ['pwd', 'otp'],
    });

    const anonymous = await issuer.issue({ client, user: { ...user, displayName: null, email: null }, nonce: undefined, authTime: Date.now(), amr: [], scopes: ['openid', 'profile', 'email'] });
    const { payload: bare } = await jwtVerify(anonymous, createLocalJWKSet(keys.jwks(Date.now())), { issuer: ISSUER, audience: client.clientId });
    expect(bare).not.toHaveProperty('name');
    expect(bare).not.toHaveProperty('email');
    expect(bare).not.toHaveProperty('email_verified');
    expect(bare.preferred_username).toBe('Ada');
  });

  it('are signed with the access-token algorithm for a client that asks for it, and with no other', async () => {
    const keys = await startedKeys('ES256');
    const issuer = new IdTokenIssuer({ issuer: ISSUER, idTokenLifetime: ID_TOKEN_LIFETIME_S }, keys);
    const accessToken = await keys.signingKeyAt(Date.now()).signer.sign({ sub: user.id });
    const token = await issuer.issue({ client, user, nonce: 'n', authTime: Date.now(), amr: ['pwd'], accessToken, scopes: ['openid'], alg: 'ES256' });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks(Date.now())), { issuer: ISSUER, audience: client.clientId, typ: 'JWT', algorithms: ['ES256'] });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: keys.signingKeyAt(Date.now()).kid });
    expect(payload.at_hash).toBe(createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url'));
    await expect(issuer.issue({ client, user, nonce: undefined, authTime: Date.now(), amr: [], scopes: ['openid'], alg: 'PS256' })).rejects.toThrow(/no PS256 key/);
  });

  it('carry the roles claim with the roles scope or the client switch, and not otherwise', async () => {
    const keys = await startedKeys('ES256');
    const issuer = new IdTokenIssuer({ issuer: ISSUER, idTokenLifetime: ID_TOKEN_LIFETIME_S }, keys);
    const clerk = { ...user, roles: ['clerk', 'auditor'] };
    const payloadOf = async (token: string) => (await jwtVerify(token, createLocalJWKSet(keys.jwks(Date.now())), { issuer: ISSUER, audience: client.clientId })).payload;
    const scoped = await issuer.issue({ client, user: clerk, nonce: undefined, authTime: Date.now(), amr: [], scopes: ['openid', 'roles'] });
    expect((await payloadOf(scoped)).roles).toEqual(['clerk', 'auditor']);
    const switched = await issuer.issue({ client: { ...client, rolesClaim: true }, user: clerk, nonce: undefined, authTime: Date.now(), amr: [], scopes: ['openid'] });
    expect((await payloadOf(switched)).roles).toEqual(['clerk', 'auditor']);
    const neither = await issuer.issue({ client, user: clerk, nonce: undefined, authTime: Date.now(), amr: [], scopes: ['openid', 'profile'] });
    expect(await payloadOf(neither)).not.toHaveProperty('roles');
  });

  it('at_hash uses the hash of the algorithm', () => {
    const token = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
    // The example of OIDC Core A.4 (RS256).
    expect(accessTokenHash('RS256', token)).toBe('77QmUPtjPfzWtF2AnpK9RQ');
    expect(accessTokenHash('EdDSA', token)).toBe(createHash('sha512').update(token).digest().subarray(0, 32).toString('base64url'));
  });
});

describe('the RS256 key of ID tokens', () => {
  it('is created beside an access-token key of another algorithm, published, and never signs access tokens', async () => {
    const repository = memoryRepository();
    const keys = await startedKeys('ES256', repository);
    const now = Date.now();
    const access = keys.signingKeyAt(now);
    const idToken = keys.idTokenKeyAt(now);
    expect(access).toMatchObject({ alg: 'ES256', purpose: 'access_token' });
    expect(idToken).toMatchObject({ alg: 'RS256', purpose: 'id_token' });
    expect(keys.jwks(now).keys.map((key) => key.kid)).toEqual([access.kid, idToken.kid]);
    expect(keys.status(now).map((key) => [key.purpose, key.state])).toEqual([
      ['access_token', 'active'],
      ['id_token', 'active'],
    ]);
    // Encrypted at rest like the access-token keys.
    const stored = repository.rows.find((row) => row.kid === idToken.kid);
    expect(stored?.purpose).toBe('id_token');
    expect(stored?.privateJwkEncrypted).not.toContain('"d"');

    // A restart adds nothing; another instance loading the same store finds the same keys.
    await keys.ensureSigningKey('ES256', 300);
    await keys.ensureIdTokenKey('ES256', 300);
    expect(repository.rows).toHaveLength(2);
    const other = await startedKeys('ES256', repository);
    expect(other.idTokenKeyAt(Date.now()).kid).toBe(idToken.kid);
  });

  it('rotates with the access-token keys, each line on its own, and a retired one stays published for the ID-token lifetime', async () => {
    const keys = await startedKeys('ES256');
    const before = Date.now();
    const oldAccess = keys.signingKeyAt(before);
    const oldIdToken = keys.idTokenKeyAt(before);
    const rotated = await keys.rotate('ES256', 0);
    // Both new keys are active once the rotation is over.
    const at = Date.now();
    const newIdToken = keys.idTokenKeyAt(at);
    expect(keys.signingKeyAt(at).kid).toBe(rotated.kid);
    expect(newIdToken.kid).not.toBe(oldIdToken.kid);
    expect(newIdToken.alg).toBe('RS256');

    const idTokenRetired = keys.status(at).find((key) => key.kid === oldIdToken.kid);
    const accessRetired = keys.status(at).find((key) => key.kid === oldAccess.kid);
    expect(idTokenRetired?.state).toBe('retired');
    expect(accessRetired?.state).toBe('retired');
    const idTokenUntil = idTokenRetired?.publishedUntil ?? 0;
    expect(idTokenUntil - RETENTION_MARGIN_MS - ID_TOKEN_LIFETIME_S * 1000).toBeGreaterThanOrEqual(before);
    expect(idTokenUntil - RETENTION_MARGIN_MS - ID_TOKEN_LIFETIME_S * 1000).toBeLessThanOrEqual(newIdToken.activatesAt);
    expect(keys.jwks(idTokenUntil).keys.map((key) => key.kid)).not.toContain(oldIdToken.kid);
    expect(keys.jwks(idTokenUntil).keys.map((key) => key.kid)).toContain(oldAccess.kid);
  });

  it('is not needed when access tokens are signed RS256: the access-token key signs ID tokens with typ JWT', async () => {
    const keys = await startedKeys('RS256');
    const now = Date.now();
    expect(keys.hasIdTokenKeys).toBe(false);
    expect(keys.jwks(now).keys).toHaveLength(1);
    const key = keys.idTokenKeyAt(now);
    expect(key.kid).toBe(keys.signingKeyAt(now).kid);
    const token = await new IdTokenIssuer({ issuer: ISSUER, idTokenLifetime: 60 }, keys).issue({ client, user, nonce: 'n', authTime: now, amr: [], scopes: ['openid'] });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.kid });
    expect(decodeProtectedHeader(await keys.signingKeyAt(now).signer.sign({})).typ).toBe('at+jwt');
  });

  it('after a switch away from RS256, the RS256 access-token key keeps signing ID tokens until the new ID-token key is active', async () => {
    const repository = memoryRepository();
    const rs256 = (await startedKeys('RS256', repository)).signingKeyAt(Date.now());
    const keys = await startedKeys('ES256', repository);
    const now = Date.now();
    const pending = keys.status(now).find((key) => key.purpose === 'id_token');
    expect(pending?.state).toBe('next');
    expect(keys.idTokenKeyAt(now).kid).toBe(rs256.kid);
    expect(keys.idTokenKeyAt(pending?.activatesAt ?? 0).kid).toBe(pending?.kid);
  });
});
