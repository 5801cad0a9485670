import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../src/changes/change-feed.js';
import type { ChangeEvent, ChangeEventsRepository } from '../../src/store/change-events-repository.js';

/** A change log whose reads can be held open, to interleave a write with a read already in flight. */
class FakeChangeLog {
  events: ChangeEvent[] = [];
  reads = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  holdNextRead(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  failReads = false;

  write(kind: ChangeEvent['kind'], ref: string): void {
    this.events.push({ seq: this.events.length + 1, kind, ref, createdAt: Date.now() });
  }

  asRepository(): ChangeEventsRepository {
    return {
      latestSeq: () => Promise.resolve(this.events.length),
      since: async (afterSeq: number) => {
        this.reads += 1;
        if (this.failReads) throw new Error('Connection terminated unexpectedly');
        const snapshot = this.events.filter((event) => event.seq > afterSeq);
        if (this.gate) await this.gate;
        return snapshot;
      },
      purgeBefore: () => Promise.resolve(0),
    } as unknown as ChangeEventsRepository;
  }
}

describe('change feed', () => {
  it('answers a writer only after a read that started after its write', async () => {
    const log = new FakeChangeLog();
    const feed = new ChangeFeed(log.asRepository(), pino({ level: 'silent' }));
    const seen: string[] = [];
    feed.on('client', (ref) => void seen.push(ref));

    log.holdNextRead();
    const timerPoll = feed.pollNow(); // a timer read, in flight before the write
    log.write('client', 'disabled-client');
    const writerPoll = feed.pollNow();
    log.release();
    await Promise.all([timerPoll, writerPoll]);

    expect(seen).toEqual(['disabled-client']);
    expect(log.reads).toBe(2);
  });

  it('shares one follow-up read among writers that arrive during a read', async () => {
    const log = new FakeChangeLog();
    const feed = new ChangeFeed(log.asRepository(), pino({ level: 'silent' }));
    const seen: string[] = [];
    feed.on('client', (ref) => void seen.push(ref));

    log.holdNextRead();
    const first = feed.pollNow();
    log.write('client', 'a');
    const second = feed.pollNow();
    log.write('client', 'b');
    const third = feed.pollNow();
    expect(third).toBe(second);
    log.release();
    await Promise.all([first, second, third]);

    expect(seen).toEqual(['a', 'b']);
    expect(log.reads).toBe(2);
  });

  it('applies an event once even when the overlap window reads it again', async () => {
    const log = new FakeChangeLog();
    const feed = new ChangeFeed(log.asRepository(), pino({ level: 'silent' }));
    const seen: string[] = [];
    feed.on('user', (ref) => void seen.push(ref));
    log.write('user', 'u1');
    await feed.pollNow();
    await feed.pollNow();
    expect(seen).toEqual(['u1']);
  });

  it('reloads the caches after an outage, and retries the reload until it succeeds', async () => {
    const log = new FakeChangeLog();
    const feed = new ChangeFeed(log.asRepository(), pino({ level: 'silent' }));
    let reloadFails = true;
    let reloads = 0;
    feed.onResync(() => {
      reloads += 1;
      if (reloadFails) throw new Error('Connection terminated unexpectedly');
    });
    log.failReads = true;
    await feed.pollNow();
    expect(reloads).toBe(0);
    log.failReads = false;
    await feed.pollNow(); // the reload fails: tried again on the next read
    await feed.pollNow();
    expect(reloads).toBe(2);
    reloadFails = false;
    await feed.pollNow();
    expect(reloads).toBe(3);
    await feed.pollNow();
    expect(reloads).toBe(3);
  });

  it('reloads everything when applying one change fails, instead of losing that change', async () => {
    const log = new FakeChangeLog();
    const feed = new ChangeFeed(log.asRepository(), pino({ level: 'silent' }));
    let refreshFails = true;
    const refreshed: string[] = [];
    let reloads = 0;
    feed.on('client', (ref) => {
      if (refreshFails) throw new Error('Connection terminated unexpectedly');
      refreshed.push(ref);
    });
    feed.onResync(() => void (reloads += 1));
    log.write('client', 'c1');
    await feed.pollNow();
    expect(refreshed).toEqual([]);
    refreshFails = false;
    await feed.pollNow();
    expect(reloads).toBe(1);
    expect(refreshed).toEqual(['c1']);
  });

  it('resync() reloads the caches even when no read failed (a notification may have been lost)', async () => {
    const log = new FakeChangeLog();
    const feed = new ChangeFeed(log.asRepository(), pino({ level: 'silent' }));
    let reloads = 0;
    feed.onResync(() => void (reloads += 1));
    await feed.pollNow();
    expect(reloads).toBe(0);
    await feed.resync();
    expect(reloads).toBe(1);
  });
});
