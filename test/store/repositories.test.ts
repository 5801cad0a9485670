import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClient } from '../../src/clients/client-metadata.js';
import { ChangeEventsRepository } from '../../src/store/change-events-repository.js';
import { ClientsRepository, DuplicateClientError } from '../../src/store/clients-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest, migrationsFor, pendingMigrations } from '../../src/store/migrate.js';
import { RefreshTokensRepository } from '../../src/store/refresh-tokens-repository.js';
import { RevocationsRepository } from '../../src/store/revocations-repository.js';
import { SettingsRepository } from '../../src/store/settings-repository.js';
import { SigningKeysRepository } from '../../src/store/signing-keys-repository.js';
import { DuplicateUsernameError, UsersRepository } from '../../src/store/users-repository.js';
import { usedAssertionKey, UsedAssertionsRepository } from '../../src/store/used-assertions-repository.js';
import { MAX_CLAIMS_PER_STATEMENT } from '../../src/oauth/client-auth/assertion-claims.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

describe.each(STORES)('store on %s', (engine) => {
  let store: StoreConnection;
  let dataDir: string;
  let database: TestDatabase | undefined;
  const open = () => openStore({ databaseUrl: database?.url, dataDir });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = open();
  });
  afterAll(async () => {
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies migrations once, also when two connections start together', async () => {
    const other = open();
    try {
      const [a, b] = await Promise.all([migrateToLatest(store), migrateToLatest(other)]);
      expect([...a, ...b].sort()).toEqual(Object.keys(migrationsFor(engine)));
      expect(await migrateToLatest(store)).toEqual([]);
      expect(await pendingMigrations(store)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('claims assertion ids in one statement and tells which were new', async () => {
    const used = new UsedAssertionsRepository(store.db);
    const expiresAt = Date.now() + 60_000;
    const claimOne = async (clientId: string, jti: string) => (await used.claimMany([{ clientId, jti, expiresAt }])).has(usedAssertionKey(clientId, jti));
    expect(await claimOne('client-a', 'jti-1')).toBe(true);
    const fresh = await used.claimMany([
      { clientId: 'client-a', jti: 'jti-1', expiresAt },
      { clientId: 'client-a', jti: 'jti-2', expiresAt },
      { clientId: 'client-b', jti: 'jti-1', expiresAt },
      { clientId: 'client-"c"', jti: "it's ünïcode", expiresAt },
    ]);
    expect([...fresh].sort()).toEqual([usedAssertionKey('client-a', 'jti-2'), usedAssertionKey('client-b', 'jti-1'), usedAssertionKey('client-"c"', "it's ünïcode")].sort());
    expect(await claimOne('client-a', 'jti-2')).toBe(false);
    expect(await claimOne('client-"c"', "it's ünïcode")).toBe(false);
    expect(await used.claimMany([])).toEqual(new Set());
    // The largest statement AssertionClaims writes.
    const full = Array.from({ length: MAX_CLAIMS_PER_STATEMENT }, (_, i) => ({ clientId: 'client-full', jti: `jti-${i}`, expiresAt }));
    expect((await used.claimMany(full)).size).toBe(MAX_CLAIMS_PER_STATEMENT);
  });

  it('stores clients with every field and records a change per write', async () => {
    const clients = new ClientsRepository(store.db);
    const events = new ChangeEventsRepository(store.db);
    const before = await events.latestSeq();
    const client = {
      ...defaultClient('store-client', 1_700_000_000_000),
      clientName: 'Store client',
      secretDigest: 'digest',
      grantTypes: ['client_credentials' as const, 'password' as const],
      scopes: ['a', 'offline_access'],
      refreshTokens: true,
      enabled: false,
      expiresAt: 1_900_000_000_000,
      allowedOrigins: ['https://x.example'],
      jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc' }] },
    };
    await clients.insert(client);
    expect(await clients.get('store-client')).toEqual(client);
    await expect(clients.insert(client)).rejects.toBeInstanceOf(DuplicateClientError);
    const updated = await clients.update('store-client', (current) => ({ ...current, enabled: true, scopes: ['b'] }));
    expect(updated?.enabled).toBe(true);
    expect((await clients.get('store-client'))?.scopes).toEqual(['b']);
    expect(await clients.update('missing', (current) => current)).toBeUndefined();
    const changes = await events.since(before, 0);
    expect(changes.map((change) => [change.kind, change.ref])).toEqual([
      ['client', 'store-client'],
      ['client', 'store-client'],
    ]);
    expect(await clients.delete('store-client')).toBe(true);
    expect(await clients.delete('store-client')).toBe(false);
    expect(await clients.get('store-client')).toBeUndefined();
  });

  it('lists clients with search, paging and a total', async () => {
    const clients = new ClientsRepository(store.db);
    for (const id of ['list-a', 'list-b', 'list-c', 'other_1']) await clients.insert({ ...defaultClient(id, Date.now()), clientName: `Name ${id}` });
    const page = await clients.list({ search: 'LIST-', limit: 2, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.clients.map((client) => client.clientId)).toEqual(['list-b', 'list-c']);
    expect((await clients.list({ search: '_', limit: 10, offset: 0 })).clients.map((client) => client.clientId)).toEqual(['other_1']);
  });

  it('inserts the first signing key only once', async () => {
    const keys = new SigningKeysRepository(store.db, store.engine);
    const key = (kid: string) => ({ kid, alg: 'ES256', publicJwk: '{}', privateJwkEncrypted: 'x', createdAt: 1, activatesAt: 1 });
    const results = await Promise.all([keys.insertIfEmpty(key('k1')), keys.insertIfEmpty(key('k2'))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await keys.all()).toHaveLength(1);
  });

  it('keeps the purpose of signing keys; the first ID-token key is inserted once beside the access-token key', async () => {
    const keys = new SigningKeysRepository(store.db, store.engine);
    const key = (kid: string, purpose?: 'access_token' | 'id_token') => ({
      kid,
      alg: purpose === 'id_token' ? 'RS256' : 'ES256',
      publicJwk: '{}',
      privateJwkEncrypted: 'x',
      createdAt: 1,
      activatesAt: 1,
      ...(purpose ? { purpose } : {}),
    });
    // Stored without a purpose: an access-token key (as every key before ID tokens).
    await keys.insert(key('a1'));
    const results = await Promise.all([keys.insertIfEmpty(key('i1', 'id_token')), keys.insertIfEmpty(key('i2', 'id_token'))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await keys.insertIfEmpty(key('a2', 'access_token'))).toBe(false);
    const stored = await keys.all();
    expect(stored.filter((row) => row.purpose === 'id_token')).toHaveLength(1);
    expect(stored.find((row) => row.kid === 'a1')?.purpose).toBe('access_token');
  });

  it('keeps revocations idempotent and purges expired ones', async () => {
    const revocations = new RevocationsRepository(store.db);
    const now = Date.now();
    await revocations.revoke({ jti: 'j1', clientId: 'c', expiresAt: now + 60_000 });
    await revocations.revoke({ jti: 'j1', clientId: 'c', expiresAt: now + 60_000 });
    await revocations.revoke({ jti: 'j2', clientId: 'c', expiresAt: now - 1 });
    expect((await revocations.unexpired(now)).map((revocation) => revocation.jti)).toEqual(['j1']);
    expect(await revocations.purgeExpired(now)).toBe(1);
    expect(await revocations.get('j2')).toBeUndefined();
  });

  it('sets settings once or always', async () => {
    const settings = new SettingsRepository(store.db);
    expect(await settings.setIfAbsent('s', 'one')).toBe(true);
    expect(await settings.setIfAbsent('s', 'two')).toBe(false);
    expect(await settings.get('s')).toBe('one');
    await settings.set('s', 'three');
    expect(await settings.get('s')).toBe('three');
  });

  it('keeps usernames unique regardless of case', async () => {
    const users = new UsersRepository(store.db);
    const user = (id: string, username: string) => ({
      id,
      username,
      passwordHash: 'h',
      displayName: null,
      email: null,
      roles: ['r'],
      enabled: true,
      failedAttempts: 0,
      firstFailedAt: null,
      lockedUntil: null,
      createdAt: 1,
      updatedAt: 1,
    });
    await users.insert(user('u1', 'Erin'));
    await expect(users.insert(user('u2', 'ERIN'))).rejects.toBeInstanceOf(DuplicateUsernameError);
    expect((await users.findByUsername('erin'))?.id).toBe('u1');

    // Concurrent inserts of one name: exactly one wins, the others get the domain error (not a SQL one).
    const outcomes = await Promise.allSettled(['Fay', 'FAY', 'fay', 'fAy'].map((name, i) => users.insert(user(`f${i}`, name))));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(DuplicateUsernameError);
  });

  it('rotates a refresh token exactly once under concurrency', async () => {
    const tokens = new RefreshTokensRepository(store.db);
    const resources = ['https://api.example/', 'https://other.example/a b'];
    const base = { familyId: 'f1', clientId: 'c', userId: 'u1', scopes: ['a'], resources, createdAt: 1, expiresAt: Date.now() + 60_000, usedAt: null, revokedAt: null };
    await tokens.insert({ ...base, tokenDigest: 'd0' });
    expect((await tokens.get('d0'))?.resources).toEqual(resources);
    const outcomes = await Promise.all(['d1', 'd2', 'd3'].map((digest) => tokens.rotate('d0', { ...base, tokenDigest: digest }, Date.now())));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await tokens.revokeFamily('f1', Date.now())).toBe(2);
    expect((await tokens.get('d0'))?.revokedAt).not.toBeNull();
  });
});
