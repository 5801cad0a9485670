import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClient } from '../../src/clients/client-metadata.js';
import { ClientsRepository } from '../../src/store/clients-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { signInStores } from '../../src/store/sign-in-stores-repository.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import type { AuthorizationRequest, Interaction } from '../../src/sign-in/authorization-request.js';
import type { AuthorizationCode } from '../../src/sign-in/authorization-code.js';
import { sessionIsLive, type BrowserSession } from '../../src/sign-in/browser-session.js';
import type { SignInStores } from '../../src/sign-in/sign-in-stores.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

const NOW = 1_900_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function request(overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return {
    clientId: 'web-app',
    redirectUri: 'https://app.example/callback',
    responseMode: 'query',
    state: undefined,
    scope: 'openid profile',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    nonce: undefined,
    resources: [],
    prompt: [],
    maxAge: undefined,
    loginHint: undefined,
    uiLocales: [],
    ...overrides,
  };
}

function code(codeDigest: string, overrides: Partial<AuthorizationCode> = {}): AuthorizationCode {
  return {
    codeDigest,
    clientId: 'web-app',
    redirectUri: 'https://app.example/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    nonce: 'n-0S6_WzA2Mj',
    resources: ['https://api.example/'],
    scopes: ['openid', 'profile'],
    userId: 'user-1',
    sessionIdDigest: 'session-digest',
    authTime: NOW - MINUTE,
    amr: ['pwd', 'pin'],
    grantId: 'grant-1',
    createdAt: NOW,
    expiresAt: NOW + MINUTE,
    usedAt: null,
    ...overrides,
  };
}

function session(idDigest: string, overrides: Partial<BrowserSession> = {}): BrowserSession {
  return {
    idDigest,
    userId: 'user-1',
    authTime: NOW,
    amr: ['pwd'],
    createdAt: NOW,
    lastSeenAt: NOW,
    idleExpiresAt: NOW + HOUR,
    absoluteExpiresAt: NOW + 8 * HOUR,
    endedAt: null,
    userAgent: 'Mozilla/5.0',
    sourceAddress: '192.0.2.1',
    ...overrides,
  };
}

describe.each(STORES)('browser sign-in stores on %s', (engine) => {
  let store: StoreConnection;
  /** A second connection: another instance on the same database. */
  let other: StoreConnection;
  let stores: SignInStores;
  let otherStores: SignInStores;
  let dataDir: string;
  let database: TestDatabase | undefined;
  const open = () => openStore({ databaseUrl: database?.url, dataDir });
  /**
   * Where the i-th of concurrent writes in a transaction runs: alternately on both instances on PostgreSQL. On
   * SQLite instances are processes: two connections in one process cannot both hold transactions (better-sqlite3
   * waits for the lock synchronously, so the holder never gets to commit), so there they all run on one.
   */
  const transacting = (i: number) => (engine === 'postgres' && i % 2 === 1 ? otherStores : stores);

  const addUser = (id: string) =>
    new UsersRepository(store.db).insert({
      id,
      username: id,
      passwordHash: 'x',
      displayName: null,
      email: null,
      roles: [],
      enabled: true,
      failedAttempts: 0,
      firstFailedAt: null,
      lockedUntil: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
  const addClient = (clientId: string) => new ClientsRepository(store.db).insert(defaultClient(clientId, NOW));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-sign-in-stores-'));
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = open();
    other = open();
    await migrateToLatest(store);
    stores = signInStores(store.db);
    otherStores = signInStores(other.db);
    for (const user of ['user-1', 'user-2', 'user-3']) await addUser(user);
    for (const client of ['web-app', 'other-app', 'third-app']) await addClient(client);
  });
  afterAll(async () => {
    await other.close();
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('interactions', () => {
    it('stores the request whole, answers only until expiry, binds a session and deletes', async () => {
      const full = request({
        state: 'xyz',
        nonce: 'n',
        maxAge: 0,
        loginHint: 'alice',
        prompt: ['login', 'consent'],
        uiLocales: ['ja', 'en'],
        resources: ['https://api.example/'],
        responseMode: 'form_post',
      });
      const interaction: Interaction = { idDigest: 'i-1', request: full, csrfDigest: 'csrf', sessionIdDigest: null, createdAt: NOW, expiresAt: NOW + 10 * MINUTE };
      await stores.interactions.insert(interaction);
      expect(await stores.interactions.get('i-1', NOW)).toEqual(interaction);
      expect(await otherStores.interactions.get('i-1', NOW + 10 * MINUTE - 1)).toEqual(interaction);
      expect(await stores.interactions.get('i-1', NOW + 10 * MINUTE)).toBeUndefined();
      expect(await stores.interactions.get('unknown', NOW)).toBeUndefined();

      // Undefined fields come back as present-and-undefined, as the type says.
      await stores.interactions.insert({ ...interaction, idDigest: 'i-2', request: request() });
      const sparse = await stores.interactions.get('i-2', NOW);
      expect(sparse?.request).toStrictEqual(request());

      await stores.interactions.setSession('i-1', 'session-digest');
      expect((await stores.interactions.get('i-1', NOW))?.sessionIdDigest).toBe('session-digest');
      await stores.interactions.delete('i-1');
      expect(await stores.interactions.get('i-1', NOW)).toBeUndefined();
      expect(await stores.interactions.get('i-2', NOW)).toBeDefined();
    });
  });

  describe('authorization codes', () => {
    it('redeems a code once; a replay gets the stored row to revoke its grant', async () => {
      await stores.codes.insert(code('c-1'));
      const first = await stores.codes.redeem('c-1', NOW + 1_000);
      expect(first).toEqual({ code: code('c-1', { usedAt: NOW + 1_000 }), firstUse: true });
      const replay = await otherStores.codes.redeem('c-1', NOW + 2_000);
      expect(replay).toEqual({ code: code('c-1', { usedAt: NOW + 1_000 }), firstUse: false });
      expect(await stores.codes.redeem('unknown', NOW)).toBeUndefined();
    });

    it('stores a code without nonce or resources', async () => {
      await stores.codes.insert(code('c-2', { nonce: null, resources: [], amr: [] }));
      expect((await stores.codes.redeem('c-2', NOW))?.code).toEqual(code('c-2', { nonce: null, resources: [], amr: [], usedAt: NOW }));
    });

    it('of 20 concurrent redemptions on two instances exactly one is the first use', async () => {
      await stores.codes.insert(code('c-race'));
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? stores : otherStores).codes.redeem('c-race', NOW + i)));
      expect(results.filter((result) => result?.firstUse === true)).toHaveLength(1);
      expect(results.every((result) => result !== undefined)).toBe(true);
      // Every caller sees the one time it was used.
      const usedAt = new Set(results.map((result) => result?.code.usedAt));
      expect(usedAt.size).toBe(1);
      expect([...usedAt][0]).not.toBeNull();
    });
  });

  describe('pushed authorization requests', () => {
    const pushed = (requestUriDigest: string, expiresAt = NOW + MINUTE) => ({
      requestUriDigest,
      clientId: 'web-app',
      params: { response_type: 'code', client_id: 'web-app', scope: 'openid', state: 'ünïcode & "quotes"' },
      createdAt: NOW,
      expiresAt,
    });

    it('gives a request once, only to its client and only before expiry', async () => {
      await stores.pushedRequests.insert(pushed('p-1'));
      expect(await stores.pushedRequests.take('p-1', 'other-app', NOW)).toBeUndefined();
      expect(await stores.pushedRequests.take('p-1', 'web-app', NOW + MINUTE)).toBeUndefined();
      expect(await otherStores.pushedRequests.take('p-1', 'web-app', NOW + MINUTE - 1)).toEqual(pushed('p-1'));
      expect(await stores.pushedRequests.take('p-1', 'web-app', NOW)).toBeUndefined();
      expect(await stores.pushedRequests.take('unknown', 'web-app', NOW)).toBeUndefined();
    });

    it('of 20 concurrent takes on two instances exactly one gets the request', async () => {
      await stores.pushedRequests.insert(pushed('p-race'));
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? stores : otherStores).pushedRequests.take('p-race', 'web-app', NOW)));
      expect(results.filter((result) => result !== undefined)).toEqual([pushed('p-race')]);
    });
  });

  describe('browser sessions', () => {
    it('stores, touches (idle expiry capped, methods added once) and ends a session', async () => {
      await stores.sessions.insert(session('s-1'));
      expect(await stores.sessions.get('s-1')).toEqual(session('s-1'));
      expect(await stores.sessions.get('unknown')).toBeUndefined();

      await stores.sessions.touch('s-1', { lastSeenAt: NOW + MINUTE, idleExpiresAt: NOW + MINUTE + HOUR });
      expect(await stores.sessions.get('s-1')).toEqual(session('s-1', { lastSeenAt: NOW + MINUTE, idleExpiresAt: NOW + MINUTE + HOUR }));
      await stores.sessions.touch('s-1', { lastSeenAt: NOW + 2 * MINUTE, idleExpiresAt: NOW + 9 * HOUR, amr: ['pin', 'pwd', 'pin', 'otp'] });
      expect(await stores.sessions.get('s-1')).toEqual(session('s-1', { lastSeenAt: NOW + 2 * MINUTE, idleExpiresAt: NOW + 8 * HOUR, amr: ['pwd', 'pin', 'otp'] }));

      expect(await stores.sessions.end('s-1', NOW + 3 * MINUTE)).toBe(true);
      expect(await otherStores.sessions.end('s-1', NOW + 4 * MINUTE)).toBe(false);
      const ended = await otherStores.sessions.get('s-1');
      expect(ended?.endedAt).toBe(NOW + 3 * MINUTE);
      expect(ended && sessionIsLive(ended, NOW + 3 * MINUTE)).toBe(false);
      // A session that is over stays over.
      await stores.sessions.touch('s-1', { lastSeenAt: NOW + 5 * MINUTE, idleExpiresAt: NOW + 2 * HOUR, amr: ['hwk'] });
      expect(await stores.sessions.get('s-1')).toEqual(ended);
    });

    it('does not touch or end a session past its idle or absolute expiry', async () => {
      await stores.sessions.insert(session('s-idle', { idleExpiresAt: NOW + MINUTE }));
      await stores.sessions.touch('s-idle', { lastSeenAt: NOW + MINUTE, idleExpiresAt: NOW + HOUR });
      expect((await stores.sessions.get('s-idle'))?.idleExpiresAt).toBe(NOW + MINUTE);
      expect(await stores.sessions.end('s-idle', NOW + MINUTE)).toBe(false);
      await stores.sessions.insert(session('s-absolute', { absoluteExpiresAt: NOW + MINUTE }));
      expect(await stores.sessions.end('s-absolute', NOW + MINUTE)).toBe(false);
      expect(await stores.sessions.end('s-absolute', NOW + MINUTE - 1)).toBe(true);
    });

    it('keeps every method of concurrent touches', async () => {
      await stores.sessions.insert(session('s-methods', { userId: 'user-3' }));
      const methods = Array.from({ length: 10 }, (_, i) => `m${i}`);
      await Promise.all(methods.map((method, i) => transacting(i).sessions.touch('s-methods', { lastSeenAt: NOW + i, idleExpiresAt: NOW + HOUR, amr: [method] })));
      expect((await stores.sessions.get('s-methods'))?.amr.sort()).toEqual(['pwd', ...methods].sort());
    });

    it('lists live sessions newest first, by user, in pages, and ends all of a user', async () => {
      for (let i = 0; i < 5; i++) await stores.sessions.insert(session(`s-user2-${i}`, { userId: 'user-2', createdAt: NOW + i * 1_000 }));
      await stores.sessions.insert(session('s-user2-ended', { userId: 'user-2', createdAt: NOW + 10_000, endedAt: NOW }));
      await stores.sessions.insert(session('s-user2-idle', { userId: 'user-2', createdAt: NOW + 11_000, idleExpiresAt: NOW }));

      const page1 = await stores.sessions.list({ userId: 'user-2', now: NOW, limit: 2, offset: 0 });
      expect(page1.total).toBe(5);
      expect(page1.sessions.map((s) => s.idDigest)).toEqual(['s-user2-4', 's-user2-3']);
      const page3 = await stores.sessions.list({ userId: 'user-2', now: NOW, limit: 2, offset: 4 });
      expect(page3.sessions.map((s) => s.idDigest)).toEqual(['s-user2-0']);
      const everyone = await stores.sessions.list({ now: NOW, limit: 100, offset: 0 });
      expect(everyone.sessions.map((s) => s.userId)).toContain('user-3');
      expect(everyone.total).toBe(everyone.sessions.length);
      expect(everyone.sessions.every((s) => sessionIsLive(s, NOW))).toBe(true);

      expect(await otherStores.sessions.endAllForUser('user-2', NOW + 1)).toBe(5);
      expect(await stores.sessions.endAllForUser('user-2', NOW + 2)).toBe(0);
      expect((await stores.sessions.list({ userId: 'user-2', now: NOW + 2, limit: 10, offset: 0 })).total).toBe(0);
      expect((await stores.sessions.get('s-user2-ended'))?.endedAt).toBe(NOW);
    });
  });

  describe('consents', () => {
    it('creates a consent and adds later scopes to it (sorted, each once)', async () => {
      expect(await stores.consents.get('user-1', 'web-app')).toBeUndefined();
      expect(await stores.consents.grant('user-1', 'web-app', ['profile', 'openid', 'profile'], NOW)).toEqual({
        userId: 'user-1',
        clientId: 'web-app',
        scopes: ['openid', 'profile'],
        grantedAt: NOW,
        updatedAt: NOW,
      });
      const merged = { userId: 'user-1', clientId: 'web-app', scopes: ['email', 'openid', 'profile'], grantedAt: NOW, updatedAt: NOW + 1 };
      expect(await transacting(1).consents.grant('user-1', 'web-app', ['openid', 'email'], NOW + 1)).toEqual(merged);
      expect(await stores.consents.get('user-1', 'web-app')).toEqual(merged);
    });

    it('keeps every scope of concurrent grants', async () => {
      const scopes = Array.from({ length: 10 }, (_, i) => `scope-${i}`);
      await Promise.all(scopes.map((scope, i) => transacting(i).consents.grant('user-2', 'third-app', [scope], NOW + i)));
      expect((await stores.consents.get('user-2', 'third-app'))?.scopes).toEqual(scopes);
    });

    it('lists newest first with filters and pages, and withdraws', async () => {
      await stores.consents.grant('user-1', 'other-app', ['a'], NOW + 100);
      await stores.consents.grant('user-2', 'web-app', ['b'], NOW + 200);
      const byUser = await stores.consents.list({ userId: 'user-1', limit: 10, offset: 0 });
      expect(byUser.consents.map((c) => c.clientId)).toEqual(['other-app', 'web-app']);
      expect(byUser.total).toBe(2);
      const byClient = await stores.consents.list({ clientId: 'web-app', limit: 1, offset: 0 });
      expect(byClient.consents.map((c) => c.userId)).toEqual(['user-2']);
      expect(byClient.total).toBe(2);
      expect((await stores.consents.list({ clientId: 'web-app', limit: 1, offset: 1 })).consents.map((c) => c.userId)).toEqual(['user-1']);
      expect((await stores.consents.list({ userId: 'user-1', clientId: 'other-app', limit: 10, offset: 0 })).total).toBe(1);
      expect((await stores.consents.list({ limit: 10, offset: 0 })).total).toBe(4);

      expect(await stores.consents.withdraw('user-1', 'other-app')).toBe(true);
      expect(await otherStores.consents.withdraw('user-1', 'other-app')).toBe(false);
      expect(await stores.consents.get('user-1', 'other-app')).toBeUndefined();
    });
  });

  it('deleting a user deletes their sessions and consents; deleting a client, its consents', async () => {
    await addUser('user-gone');
    await addClient('client-gone');
    await stores.sessions.insert(session('s-gone', { userId: 'user-gone' }));
    await stores.consents.grant('user-gone', 'web-app', ['openid'], NOW);
    await stores.consents.grant('user-1', 'client-gone', ['openid'], NOW);
    expect(await new UsersRepository(store.db).delete('user-gone')).toBe(true);
    expect(await stores.sessions.get('s-gone')).toBeUndefined();
    expect(await stores.consents.get('user-gone', 'web-app')).toBeUndefined();
    expect(await new ClientsRepository(store.db).delete('client-gone')).toBe(true);
    expect(await stores.consents.get('user-1', 'client-gone')).toBeUndefined();
    expect(await stores.consents.get('user-1', 'web-app')).toBeDefined();
  });
});
