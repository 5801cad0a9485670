import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { PasswordSignIn } from '../../src/users/password-sign-in.js';
import { UserRegistry } from '../../src/users/user-registry.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

/** Counts argon2id verifications (the cost that must not tell unknown users from known ones). */
class CountingHasher extends PasswordHasher {
  verifications = 0;
  /** Runs once while a verification is under way (to stage what concurrent requests do meanwhile). */
  duringVerify: (() => Promise<void>) | undefined;

  override async verify(passwordHash: string, password: string): Promise<boolean> {
    this.verifications++;
    const during = this.duringVerify;
    this.duringVerify = undefined;
    const [result] = await Promise.all([super.verify(passwordHash, password), during?.()]);
    return result;
  }
}

const POLICY = { threshold: 3, windowSeconds: 60, lockSeconds: 300 };

describe.each(STORES)('password sign-in with lockout on %s', (engine) => {
  let store: StoreConnection;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let repository: UsersRepository;
  let hasher: CountingHasher;
  let registry: UserRegistry;
  let signIn: PasswordSignIn;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-sign-in-'));
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = openStore({ databaseUrl: database?.url, dataDir });
    await migrateToLatest(store);
    repository = new UsersRepository(store.db);
    hasher = new CountingHasher();
    registry = new UserRegistry(repository, hasher);
    signIn = new PasswordSignIn(repository, hasher, () => POLICY);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const verificationsOf = async (username: string, password: string) => {
    hasher.verifications = 0;
    const result = await signIn.check(username, password);
    return { result, verifications: hasher.verifications };
  };

  it('spends one argon2id verification on unknown users, disabled users and wrong passwords alike', async () => {
    await registry.create({ username: 'nora', password: 'nora password 1' });
    await registry.create({ username: 'otto', password: 'otto password 1', enabled: false });
    for (const [username, password] of [
      ['nobody-at-all', 'some password'],
      ['otto', 'otto password 1'],
      ['nora', 'wrong password'],
    ] as const) {
      expect(await verificationsOf(username, password)).toEqual({ result: { ok: false, reason: 'invalid' }, verifications: 1 });
    }
    const right = await verificationsOf('NORA', 'nora password 1');
    expect(right.result.ok).toBe(true);
    expect(right.verifications).toBe(1);
  });

  it('counts failures only within the window and lifts the lock after its duration', async () => {
    await registry.create({ username: 'pia', password: 'pia password 1' });
    let now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    await signIn.check('pia', 'wrong password');
    await signIn.check('pia', 'wrong password');
    now += (POLICY.windowSeconds + 1) * 1000;
    // The two earlier failures fell out of the window: this is failure 1 of a new count.
    await signIn.check('pia', 'wrong password');
    await signIn.check('pia', 'wrong password');
    expect(await signIn.check('pia', 'pia password 1')).toMatchObject({ ok: true });

    for (let i = 0; i < POLICY.threshold; i++) await signIn.check('pia', 'wrong password');
    expect(await signIn.check('pia', 'pia password 1')).toEqual({ ok: false, reason: 'locked' });
    now += (POLICY.lockSeconds - 1) * 1000;
    expect(await signIn.check('pia', 'pia password 1')).toEqual({ ok: false, reason: 'locked' });
    now += 2000;
    expect(await signIn.check('pia', 'pia password 1')).toMatchObject({ ok: true });
    expect((await repository.signInState((await repository.findByUsername('pia'))?.id ?? ''))?.failedAttempts).toBe(0);
  });

  it('counts concurrent failures, and refuses a right password once they locked the account meanwhile', async () => {
    const user = await registry.create({ username: 'quinn', password: 'quinn password 1' });
    await Promise.all(Array.from({ length: POLICY.threshold }, () => signIn.check('quinn', 'wrong password')));
    expect(await signIn.check('quinn', 'quinn password 1')).toEqual({ ok: false, reason: 'locked' });

    await registry.unlock(user.id);
    // Other requests' wrong passwords lock the account while this right one is being verified.
    hasher.duringVerify = async () => {
      const now = Date.now();
      for (let i = 0; i < POLICY.threshold; i++) {
        await repository.recordFailedSignIn(user.id, { now, windowStart: now - 60_000, threshold: POLICY.threshold, lockedUntil: now + 300_000 });
      }
    };
    expect(await signIn.check('quinn', 'quinn password 1')).toEqual({ ok: false, reason: 'locked' });
  });

  it('tells a disabled user with the right password nothing about a lock', async () => {
    const user = await registry.create({ username: 'rex', password: 'rex password 1' });
    for (let i = 0; i < POLICY.threshold; i++) await signIn.check('rex', 'wrong password');
    await registry.update(user.id, { enabled: false });
    expect(await signIn.check('rex', 'rex password 1')).toEqual({ ok: false, reason: 'invalid' });
  });
});
