import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AttemptCountersRepository } from '../../src/store/attempt-counters-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import { AttemptLimiter, TooManyAttempts } from '../../src/users/attempt-limiter.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { PasswordSignIn, type PasswordCheckRates } from '../../src/users/password-sign-in.js';
import { UserRegistry } from '../../src/users/user-registry.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

/** Counts argon2id verifications (the cost that must not tell unknown users from known ones; verifyNothing verifies too). */
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
const ORIGIN = { sourceAddress: '192.0.2.10', clientId: 'app' };

describe.each(STORES)('password sign-in with lockout on %s', (engine) => {
  let store: StoreConnection;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let repository: UsersRepository;
  let hasher: CountingHasher;
  let registry: UserRegistry;
  let signIn: PasswordSignIn;
  let rates: PasswordCheckRates;
  let now: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-sign-in-'));
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = openStore({ databaseUrl: database?.url, dataDir });
    await migrateToLatest(store);
    repository = new UsersRepository(store.db);
    hasher = new CountingHasher();
    now = Date.now();
    const limiter = new AttemptLimiter(new AttemptCountersRepository(store.db), () => now);
    rates = { perAddress: 1000, perClient: 1000 };
    signIn = new PasswordSignIn(
      repository,
      hasher,
      () => POLICY,
      limiter,
      () => rates,
    );
    registry = new UserRegistry(
      repository,
      hasher,
      undefined,
      (username) => signIn.forgetAttempts(username),
      (now) => now + 86_400_000,
    );
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const check = (username: string, password: string, origin = ORIGIN) => signIn.check(username, password, origin);
  const refusal = (username: string, password: string, origin = ORIGIN) =>
    check(username, password, origin).then(
      () => undefined,
      (error: unknown) => error,
    );
  const verificationsOf = async (username: string, password: string) => {
    hasher.verifications = 0;
    const result = await check(username, password);
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
      expect(await verificationsOf(username, password)).toEqual({ result: { ok: false }, verifications: 1 });
    }
    const right = await verificationsOf('NORA', 'nora password 1');
    expect(right.result.ok).toBe(true);
    expect(right.verifications).toBe(1);
  });

  it('checks at most the threshold per user and window, refuses a locked user without hashing, and lifts the lock after its duration', async () => {
    await registry.create({ username: 'pia', password: 'pia password 1' });
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    await check('pia', 'wrong password');
    await check('pia', 'wrong password');
    now += (POLICY.windowSeconds + 1) * 1000;
    // The two earlier failures fell out of the window: this is failure 1 of a new count.
    await check('pia', 'wrong password');
    await check('pia', 'wrong password');
    expect(await check('pia', 'pia password 1')).toMatchObject({ ok: true });
    // The success gave its own slot back; the two failures still count in this window.
    await check('pia', 'wrong password');
    expect(await refusal('pia', 'wrong password')).toBeInstanceOf(TooManyAttempts);

    now += (POLICY.windowSeconds + 1) * 1000;
    for (let i = 0; i < POLICY.threshold; i++) await check('pia', 'wrong password');
    hasher.verifications = 0;
    const locked = await refusal('pia', 'pia password 1');
    expect(locked).toBeInstanceOf(TooManyAttempts);
    expect(hasher.verifications).toBe(0);
    now += (POLICY.lockSeconds - 1) * 1000;
    // The window of counted attempts has ended; the lockout has not.
    expect(await refusal('Pia', 'pia password 1')).toBeInstanceOf(TooManyAttempts);
    expect(hasher.verifications).toBe(0);
    now += 2000;
    expect(await check('pia', 'pia password 1')).toMatchObject({ ok: true });
    expect((await repository.signInState((await repository.findByUsername('pia'))?.id ?? ''))?.failedAttempts).toBe(0);
  });

  it('lets at most the threshold of concurrent attempts be checked, for a known user or not', async () => {
    await registry.create({ username: 'quinn', password: 'quinn password 1' });
    for (const username of ['quinn', 'not-a-user']) {
      hasher.verifications = 0;
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => check(username, i === 49 ? 'quinn password 1' : `guess ${i}`)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(POLICY.threshold);
      expect(hasher.verifications).toBe(POLICY.threshold);
    }
  });

  it('refuses a right password when wrong ones locked the account while it was being verified', async () => {
    const user = await registry.create({ username: 'rita', password: 'rita password 1' });
    hasher.duringVerify = async () => {
      for (let i = 0; i < POLICY.threshold; i++) {
        await repository.recordFailedSignIn(user.id, { now, windowStart: now - 60_000, threshold: POLICY.threshold, lockedUntil: now + 300_000 });
      }
    };
    expect(await refusal('rita', 'rita password 1')).toBeInstanceOf(TooManyAttempts);
  });

  it('an unlock forgets the counted attempts', async () => {
    const user = await registry.create({ username: 'sam', password: 'sam password 1' });
    for (let i = 0; i < POLICY.threshold; i++) await check('sam', 'wrong password');
    expect(await refusal('sam', 'sam password 1')).toBeInstanceOf(TooManyAttempts);
    await registry.unlock(user.id);
    expect(await check('sam', 'sam password 1')).toMatchObject({ ok: true });
  });

  it('counts per address (IPv6 by /64) and per client, before the user', async () => {
    rates = { perAddress: 2, perClient: 1000 };
    const from = (host: number) => ({ sourceAddress: `2001:db8:5:6::${host}`, clientId: 'app' });
    expect(await check('user-a', 'x', from(1))).toEqual({ ok: false });
    expect(await check('user-b', 'x', from(2))).toEqual({ ok: false });
    expect(((await refusal('user-c', 'x', from(3))) as TooManyAttempts).rule).toBe('password-address');
    rates = { perAddress: 1000, perClient: 1 };
    expect(await check('user-d', 'x', { sourceAddress: '192.0.2.99', clientId: 'other' })).toEqual({ ok: false });
    expect(((await refusal('user-e', 'x', { sourceAddress: '192.0.2.98', clientId: 'other' })) as TooManyAttempts).rule).toBe('password-client');
    rates = { perAddress: 1000, perClient: 1000 };
  });
});
