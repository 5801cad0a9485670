import { setImmediate as realSetImmediate } from 'node:timers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { BufferedAuditWriter, type AuditWriterOptions } from '../../src/audit/audit-writer.js';
import { StoreUnavailableError } from '../../src/shared/store-errors.js';

let sequence = 0;
function event(): AuditEvent {
  sequence += 1;
  return {
    id: `event-${String(sequence).padStart(6, '0')}`,
    at: Date.now(),
    actor: 'client',
    action: 'token.issued',
    target: 'c',
    outcome: 'success',
    status: 200,
    reason: null,
    clientId: 'c',
    sourceAddress: '127.0.0.1',
    grantType: 'client_credentials',
    subject: 'c',
    scope: null,
    jti: `jti-${sequence}`,
    expiresAt: null,
  };
}

/** A store the test can take down: it records every batch it took and refuses while `down`. */
function fakeStore() {
  const store = {
    batches: [] as string[][],
    down: false,
    refuse: new Set<string>(),
    attempts: 0,
    write: (events: readonly AuditEvent[]): Promise<void> => {
      store.attempts += 1;
      if (store.down) return Promise.reject(new StoreUnavailableError('the database is down'));
      if (events.some((entry) => store.refuse.has(entry.id))) return Promise.reject(new Error('invalid byte sequence'));
      store.batches.push(events.map((entry) => entry.id));
      return Promise.resolve();
    },
  };
  return store;
}

function logger() {
  return { warn: vi.fn(), info: vi.fn() };
}

describe('the buffered audit writer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function writer(options: Partial<AuditWriterOptions> = {}) {
    const store = fakeStore();
    const log = logger();
    const audit = new BufferedAuditWriter(store.write, log, { flushIntervalMs: 200, queueLimit: 10_000, ...options });
    return { store, log, audit };
  }

  it('writes what arrived within the interval as one batch, not one write per event', async () => {
    const { store, audit } = writer();
    for (let i = 0; i < 300; i++) audit.add(event());
    expect(store.attempts).toBe(0);
    await vi.advanceTimersByTimeAsync(199);
    expect(store.attempts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches.map((batch) => batch.length)).toEqual([300]);
    expect(audit.stats).toEqual({ queued: 0, written: 300, dropped: 0 });
  });

  it('writes at once when a batch is full, in batches of 500, in order', async () => {
    const { store, audit } = writer();
    const ids: string[] = [];
    for (let i = 0; i < 1_200; i++) {
      const added = event();
      ids.push(added.id);
      audit.add(added);
    }
    // Between batches the writer lets the event loop turn (a real setImmediate, which fake timers leave alone).
    await vi.waitFor(() => expect(store.batches.map((batch) => batch.length)).toEqual([500, 500, 200]), { timeout: 15_000 });
    expect(store.batches.flat()).toEqual(ids);
  });

  it('lets other work run between two batches of one flush', async () => {
    const order: string[] = [];
    const audit = new BufferedAuditWriter(
      async () => {
        order.push('batch');
      },
      logger(),
      { flushIntervalMs: 200, queueLimit: 10_000, batchSize: 100 },
    );
    for (let i = 0; i < 250; i++) audit.add(event());
    const flushed = audit.flush();
    realSetImmediate(() => order.push('request'));
    await flushed;
    expect(order).toEqual(['batch', 'request', 'batch', 'batch']);
  });

  it('under a steady stream makes one write per interval, even when a write takes a while', async () => {
    const batches: number[] = [];
    const audit = new BufferedAuditWriter(
      async (events) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        batches.push(events.length);
      },
      logger(),
      { flushIntervalMs: 200, queueLimit: 10_000 },
    );
    for (let ms = 0; ms < 1_000; ms++) {
      audit.add(event());
      await vi.advanceTimersByTimeAsync(1);
    }
    const flushed = audit.flush();
    await vi.advanceTimersByTimeAsync(100);
    await flushed;
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(1_000);
    expect(batches.length).toBeLessThanOrEqual(6);
  });

  it('keeps at most queueLimit events while the store is down, counts the dropped ones, warns once and writes the kept ones when it is back', async () => {
    const { store, log, audit } = writer({ queueLimit: 50 });
    store.down = true;
    for (let i = 0; i < 80; i++) audit.add(event());
    await vi.advanceTimersByTimeAsync(200);
    expect(audit.stats).toEqual({ queued: 50, written: 0, dropped: 30 });
    // Retries back off (1 s, 2 s, 4 s...) and do not warn again.
    const attempts = store.attempts;
    for (let i = 0; i < 5; i++) audit.add(event());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.attempts).toBe(attempts + 1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(store.attempts).toBe(attempts + 2);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(audit.stats.dropped).toBe(35);

    store.down = false;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(store.batches.flat()).toHaveLength(50);
    expect(audit.stats).toEqual({ queued: 0, written: 50, dropped: 35 });
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info.mock.calls[0]?.[0]).toMatchObject({ dropped: 35 });
    // Back to the normal interval.
    audit.add(event());
    await vi.advanceTimersByTimeAsync(200);
    expect(audit.stats.written).toBe(51);
  });

  it('drops an event the store refuses (not an outage) and writes the rest of its batch', async () => {
    const { store, log, audit } = writer();
    const bad = event();
    store.refuse.add(bad.id);
    audit.add(event());
    audit.add(bad);
    audit.add(event());
    await vi.advanceTimersByTimeAsync(200);
    expect(store.batches.flat()).toHaveLength(2);
    expect(audit.stats).toEqual({ queued: 0, written: 2, dropped: 1 });
    expect(log.warn).toHaveBeenCalledTimes(1);
    audit.add(event());
    await vi.advanceTimersByTimeAsync(200);
    expect(store.batches.at(-1)).toHaveLength(1);
  });

  it('close writes everything queued at once, whatever the interval', async () => {
    const { store, audit } = writer({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 700; i++) audit.add(event());
    await audit.close();
    expect(store.batches.map((batch) => batch.length)).toEqual([500, 200]);
    audit.add(event());
    await vi.advanceTimersByTimeAsync(120_000);
    expect(store.batches).toHaveLength(2);
  });

  it('close gives up after one failed attempt and says how many events are lost', async () => {
    const { store, log, audit } = writer();
    store.down = true;
    for (let i = 0; i < 3; i++) audit.add(event());
    await audit.close();
    expect(log.warn).toHaveBeenLastCalledWith({ lost: 3 }, expect.stringContaining('before shutdown'));
  });

  it('a flush during a write waits for it and writes nothing twice', async () => {
    let release: () => void = () => undefined;
    const written: string[] = [];
    const audit = new BufferedAuditWriter(
      async (events) => {
        await new Promise<void>((resolve) => (release = resolve));
        written.push(...events.map((entry) => entry.id));
      },
      logger(),
      { flushIntervalMs: 200, queueLimit: 100 },
    );
    audit.add(event());
    await vi.advanceTimersByTimeAsync(200);
    audit.add(event());
    const flushed = audit.flush();
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await flushed;
    expect(written).toHaveLength(2);
    expect(new Set(written).size).toBe(2);
  });
});
