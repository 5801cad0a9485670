import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptCountersRepository } from '../../src/store/attempt-counters-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { AttemptLimiter, TooManyAttempts, type AttemptRule } from '../../src/users/attempt-limiter.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES, type StoreKind } from '../helpers/test-server.js';

const MINUTE = 60_000;

/** On SQLite the server counts through the writer thread; the main connection is what a store without one uses. */
const VARIANTS: { engine: StoreKind; through: string }[] = STORES.flatMap((engine): { engine: StoreKind; through: string }[] =>
  engine === 'sqlite'
    ? [
        { engine, through: 'the writer thread' },
        { engine, through: 'the main connection' },
      ]
    : [{ engine, through: 'the pool' }],
);

describe.each(VARIANTS)('attempt counters on $engine, through $through', ({ engine, through }) => {
  let store: StoreConnection;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let counters: AttemptCountersRepository;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-attempts-'));
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = openStore({ databaseUrl: database?.url, dataDir });
    await migrateToLatest(store);
    counters = new AttemptCountersRepository(store.db, through === 'the writer thread' ? store.batchWriter : undefined);
    if (through === 'the writer thread') expect(store.batchWriter).toBeDefined();
  });
  afterAll(async () => {
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives 200 concurrent attempts on one key 200 distinct counts', async () => {
    const windows = await Promise.all(Array.from({ length: 200 }, () => counters.add('concurrent', MINUTE, 1_000)));
    expect(windows.map((window) => window.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(windows.map((window) => window.endsAt))).toEqual(new Set([1_000 + MINUTE]));
  });

  it('starts a new window after the last one ended, gives back and clears', async () => {
    expect(await counters.add('key', MINUTE, 0)).toEqual({ count: 1, endsAt: MINUTE });
    expect(await counters.add('key', MINUTE, 10)).toEqual({ count: 2, endsAt: MINUTE });
    await counters.giveBack('key', 20);
    expect(await counters.add('key', MINUTE, 30)).toEqual({ count: 2, endsAt: MINUTE });
    expect(await counters.add('key', MINUTE, MINUTE)).toEqual({ count: 1, endsAt: 2 * MINUTE });
    await counters.clear('key');
    expect(await counters.add('key', MINUTE, MINUTE + 1)).toEqual({ count: 1, endsAt: 2 * MINUTE + 1 });
    // Never below zero.
    await counters.giveBack('key', MINUTE + 2);
    await counters.giveBack('key', MINUTE + 2);
    expect(await counters.add('key', MINUTE, MINUTE + 3)).toEqual({ count: 1, endsAt: 2 * MINUTE + 1 });
  });

  it('lets at most max attempts of a burst through the limiter; the first rule over its limit stops the rest', async () => {
    let now = 5_000;
    const limiter = new AttemptLimiter(counters, () => now);
    const perUser: AttemptRule = { name: 'user', max: () => 3, windowMs: () => MINUTE, successGivesBack: true };
    const perAddress: AttemptRule = { name: 'address', max: () => 1000, windowMs: () => MINUTE, successGivesBack: false };
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () =>
        limiter.reserve([
          { rule: perAddress, value: '192.0.2.1' },
          { rule: perUser, value: 'ann' },
        ]),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')!.reason as TooManyAttempts;
    expect(refused).toBeInstanceOf(TooManyAttempts);
    expect(refused.rule).toBe('user');
    expect(refused.retryAfterMs).toBe(MINUTE);
    // A user over its limit is not counted for another address... but the address counted every attempt.
    await expect(limiter.reserve([{ rule: { ...perAddress, max: () => 100 }, value: '192.0.2.1' }])).rejects.toBeInstanceOf(TooManyAttempts);
    now += MINUTE;
    const reservation = await limiter.reserve([{ rule: perUser, value: 'ann' }]);
    await reservation.succeeded();
    // The success gave its slot back: three more attempts fit.
    for (let i = 0; i < 3; i++) await limiter.reserve([{ rule: perUser, value: 'ann' }]);
    await expect(limiter.reserve([{ rule: perUser, value: 'ann' }])).rejects.toBeInstanceOf(TooManyAttempts);
    // A rule with max 0 counts nothing.
    await limiter.reserve([{ rule: { ...perUser, max: () => 0 }, value: 'ann' }]);
  });
});
