import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isStoreUnavailableError } from '../shared/store-errors.js';
import type { AuditEvent } from './audit-event.js';

export interface AuditWriterOptions {
  /** How long an event may wait in memory before its batch is written, milliseconds. */
  flushIntervalMs: number;
  /** Events kept in memory at most while the store does not take them; beyond, new events are dropped. */
  queueLimit: number;
  /** Events per INSERT. */
  batchSize?: number;
  /** Wait before the first retry after a failed write, milliseconds (at least the flush interval); it doubles while writes fail, up to 10 s. */
  retryMs?: number;
}

/** Plain counters (free to update); the metrics read them at scrape time. */
export interface AuditWriterStats {
  readonly queued: number;
  readonly written: number;
  readonly dropped: number;
}

export const AUDIT_BATCH_SIZE = 500;
/**
 * Events per transaction on the embedded store (its writer thread): a transaction holds SQLite's write lock,
 * and a write on the main connection waits for it; 200 events take about 2-3 ms here.
 */
export const SQLITE_AUDIT_BATCH_SIZE = 200;
const RETRY_MS = 1_000;
const MAX_RETRY_MS = 10_000;

/**
 * Writes audit events in batches, off the request path: `add` only queues (never waits, never throws);
 * a timer writes what is queued every `flushIntervalMs`, at once when a batch is full, one multi-row
 * INSERT per batch. An event leaves the queue only once the store has taken it. While the store
 * refuses (an outage), at most `queueLimit` events wait and the newer ones are dropped and counted; one
 * warning starts the outage, one line ends it. `flush` writes everything queued (shutdown, tests).
 */
export class BufferedAuditWriter {
  private readonly queue: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private draining: Promise<void> | undefined;
  private lastWriteFailed = false;
  private failingSince: number | undefined;
  private droppedSinceWrite = 0;
  private written = 0;
  private dropped = 0;
  private closed = false;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private retryDelay: number;

  constructor(
    private readonly write: (events: readonly AuditEvent[]) => Promise<void>,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly options: AuditWriterOptions,
  ) {
    this.batchSize = options.batchSize ?? AUDIT_BATCH_SIZE;
    this.retryMs = Math.max(options.retryMs ?? RETRY_MS, options.flushIntervalMs);
    this.retryDelay = this.retryMs;
  }

  get stats(): AuditWriterStats {
    return { queued: this.queue.length, written: this.written, dropped: this.dropped };
  }

  add(event: AuditEvent): void {
    if (this.queue.length >= this.options.queueLimit) {
      this.dropped += 1;
      this.droppedSinceWrite += 1;
      return;
    }
    this.queue.push(event);
    // While writes fail, the retry timer (backing off) is already set.
    if (this.draining === undefined && this.failingSince === undefined) this.schedule(this.queue.length >= this.batchSize ? 0 : this.options.flushIntervalMs);
  }

  /**
   * Writes the events queued now, batch by batch (after a write already under way); stops at the first
   * batch the store refuses. Events that arrive meanwhile wait for the next interval, so that a steady
   * stream of tokens makes one INSERT per interval, not one per round trip.
   */
  async flush(): Promise<void> {
    this.cancelTimer();
    while (this.draining !== undefined) await this.draining;
    if (this.queue.length === 0) return;
    this.draining = this.drain(this.queue.length);
    try {
      await this.draining;
    } finally {
      this.draining = undefined;
      this.scheduleAfterDrain();
    }
  }

  /** Writes what is queued and stops the timer; events added later are not written (the store is closing). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    this.cancelTimer();
    if (this.queue.length > 0) this.logger.warn({ lost: this.queue.length }, 'audit events could not be written before shutdown');
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    const due = Date.now() + delayMs;
    if (this.timer !== undefined && this.timerDue <= due) return;
    this.cancelTimer();
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      void this.flush();
    }, delayMs);
    // Never keeps a process alive: servers flush on shutdown.
    this.timer.unref();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private async drain(count: number): Promise<void> {
    for (let left = count; left > 0 && this.queue.length > 0;) {
      // Only add() touches the queue meanwhile, and only at its end: the batch stays at the front.
      const batch = this.queue.slice(0, Math.min(this.batchSize, left));
      const kept = await this.writeBatch(batch);
      this.lastWriteFailed = !kept;
      if (!kept) return;
      this.queue.splice(0, batch.length);
      left -= batch.length;
      // Let waiting requests run between batches.
      if (left > 0 && this.queue.length > 0) await yieldToEventLoop();
    }
  }

  private scheduleAfterDrain(): void {
    if (this.queue.length === 0) return;
    if (this.lastWriteFailed) {
      this.schedule(this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, Math.max(MAX_RETRY_MS, this.retryMs));
    } else {
      this.schedule(this.queue.length >= this.batchSize ? 0 : this.options.flushIntervalMs);
    }
  }

  /** True when the batch is dealt with (written, or its unwritable events dropped); false to retry it later. */
  private async writeBatch(batch: AuditEvent[]): Promise<boolean> {
    try {
      await this.write(batch);
      this.written += batch.length;
      this.storeAnswered();
      return true;
    } catch (error) {
      if (isStoreUnavailableError(error)) {
        this.storeFailed(error);
        return false;
      }
    }
    // The store answers but refused the batch: write its events one by one, so one bad event cannot block the queue.
    for (const event of batch) {
      try {
        await this.write([event]);
        this.written += 1;
      } catch (error) {
        if (isStoreUnavailableError(error)) {
          this.storeFailed(error);
          return false;
        }
        this.dropped += 1;
        this.logger.warn({ err: error, action: event.action, id: event.id }, 'the store refused an audit event; dropped it');
      }
    }
    return true;
  }

  private storeFailed(error: unknown): void {
    if (this.failingSince !== undefined) return;
    this.failingSince = Date.now();
    this.logger.warn(
      { reason: error instanceof Error ? error.message.slice(0, 200) : String(error), queued: this.queue.length, queueLimit: this.options.queueLimit },
      'audit events cannot be written; keeping them in memory and retrying (beyond the queue limit they are dropped and counted)',
    );
  }

  private storeAnswered(): void {
    this.retryDelay = this.retryMs;
    if (this.failingSince !== undefined) {
      this.logger.info({ downMs: Date.now() - this.failingSince, dropped: this.droppedSinceWrite }, 'audit events are written again');
      this.failingSince = undefined;
    }
    this.droppedSinceWrite = 0;
  }
}
