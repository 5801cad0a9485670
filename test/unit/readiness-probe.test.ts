import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Gatehouse } from '../../src/gatehouse.js';
import { ReadinessProbe } from '../../src/server/readiness.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { StoreAvailability } from '../../src/store/store-availability.js';

describe('readiness probe', () => {
  let dataDir: string;
  let store: StoreConnection;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-readiness-'));
    store = openStore({ databaseUrl: undefined, dataDir });
  });
  afterAll(async () => {
    await store.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const probeFor = (keysLoaded: boolean, availability = new StoreAvailability(pino({ level: 'silent' }))) =>
    new ReadinessProbe({ store, keys: { loaded: keysLoaded }, availability, config: { dbTimeoutMs: 5_000 } } as unknown as Gatehouse);

  it('shares one database check among concurrent probes and reuses the answer for a second', async () => {
    // The probe stamps its answer with Date.now(): a clock that stands still, so that 500 ms later means 500 ms.
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const probe = probeFor(true);
      const before = store.queryCount();
      const answers = await Promise.all(Array.from({ length: 10 }, () => probe.check()));
      expect(answers.every((answer) => answer.ready)).toBe(true);
      expect(store.queryCount() - before).toBe(1);
      await probe.check(now + 500);
      expect(store.queryCount() - before).toBe(1);
      await probe.check(now + 1_500);
      expect(store.queryCount() - before).toBe(2);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('is not ready without signing keys', async () => {
    expect(await probeFor(false).check()).toEqual({ ready: false, checks: { database: true, keys: false } });
  });

  it('reports a database that does not answer, and tells the availability tracker', async () => {
    const availability = new StoreAvailability(pino({ level: 'silent' }));
    const probe = probeFor(true, availability);
    await store.close();
    expect(await probe.check()).toEqual({ ready: false, checks: { database: false, keys: true } });
    expect(availability.available).toBe(false);
  });
});
