import type { Logger } from 'pino';
import type { ChangeEvent, ChangeEventsRepository, ChangeKind } from '../store/change-events-repository.js';
import type { StoreAvailability } from '../store/store-availability.js';

export type ChangeListener = (ref: string) => Promise<void> | void;
export type ResyncListener = () => Promise<void> | void;

/** How long already-read events are read again (late commits on PostgreSQL), milliseconds. */
const OVERLAP_MS = 5_000;

/**
 * Tells the caches of this process what other processes (the CLI, other instances) and this one changed,
 * by reading the change_events table: when PostgreSQL announces a change (LISTEN/NOTIFY, see
 * PgChangeListener), on a timer (the only trigger on SQLite, a safety net on PostgreSQL), and after a
 * local write. Never called per request.
 */
export class ChangeFeed {
  private lastSeq = 0;
  private readonly applied = new Map<number, number>();
  private readonly listeners = new Map<ChangeKind, ChangeListener[]>();
  private readonly resyncListeners: ResyncListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private failing = false;
  /** Caches may have missed a change: reload them in full on the next successful read. */
  private needsResync = false;
  /** A reload or a change failed to apply and was logged; not logged again until a read succeeds in full. */
  private applyFailing = false;
  /** When a read last succeeded (epoch ms). */
  private lastReadAt: number | undefined;

  constructor(
    private readonly repository: ChangeEventsRepository,
    private readonly logger: Logger,
    private readonly availability?: StoreAvailability,
  ) {}

  on(kind: ChangeKind, listener: ChangeListener): void {
    const list = this.listeners.get(kind) ?? [];
    list.push(listener);
    this.listeners.set(kind, list);
  }

  /** Called when events may have been missed (the store was unreachable): caches reload everything. */
  onResync(listener: ResyncListener): void {
    this.resyncListeners.push(listener);
  }

  /** Marks every event so far as seen (the caches were just loaded in full). */
  async markCurrent(): Promise<void> {
    this.lastSeq = await this.repository.latestSeq();
  }

  /** Reloads every cache (a notification may have been lost), then reads new events. */
  resync(): Promise<void> {
    this.needsResync = true;
    return this.pollNow();
  }

  /** How the feed fares: when a read last succeeded, whether reads fail now, whether caches await a reload. */
  get status(): { lastReadAt: number | undefined; failing: boolean; resyncPending: boolean } {
    return { lastReadAt: this.lastReadAt, failing: this.failing, resyncPending: this.needsResync };
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.pollNow().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Reads and applies new events; resolves only after a read that started after this call, so a writer
   * that awaits it sees its own change. Callers arriving during a read share one queued follow-up read.
   */
  pollNow(): Promise<void> {
    if (this.running) {
      this.queued ??= this.running.then(() => {
        this.queued = undefined;
        return this.pollNow();
      });
      return this.queued;
    }
    this.running = this.poll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async poll(): Promise<void> {
    let events: ChangeEvent[];
    try {
      events = await this.repository.since(this.lastSeq, OVERLAP_MS);
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: error }, 'cannot read change events; caches will resync when the store answers');
      this.failing = true;
      this.needsResync = true;
      this.availability?.reportFailure('change feed', error);
      return;
    }
    this.availability?.reportSuccess();
    this.lastReadAt = Date.now();
    if (this.failing) {
      this.failing = false;
      this.logger.info('store answers again; reloading caches');
    }
    if (this.needsResync) {
      this.needsResync = false;
      try {
        for (const listener of this.resyncListeners) await listener();
      } catch (error) {
        // Retried on the next read; until then the caches keep what they had.
        this.applyFailed(error, 'reloading caches failed; will retry');
        return;
      }
    }
    const now = Date.now();
    for (const event of events) {
      if (this.applied.has(event.seq)) continue;
      try {
        for (const listener of this.listeners.get(event.kind) ?? []) await listener(event.ref);
      } catch (error) {
        // This change did not reach the cache: reload everything on the next read instead.
        this.applyFailed(error, `applying a ${event.kind} change failed; caches will reload`);
        return;
      }
      this.applied.set(event.seq, event.createdAt);
      if (event.seq > this.lastSeq) this.lastSeq = event.seq;
    }
    for (const [seq, createdAt] of this.applied) {
      if (createdAt < now - 2 * OVERLAP_MS) this.applied.delete(seq);
    }
    this.applyFailing = false;
  }

  private applyFailed(error: unknown, message: string): void {
    this.needsResync = true;
    if (!this.applyFailing) this.logger.warn({ err: error }, message);
    this.applyFailing = true;
  }
}
