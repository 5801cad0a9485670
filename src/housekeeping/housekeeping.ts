import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { HOUSEKEEPING_LOCK, withTryLock } from '../store/advisory-lock.js';
import type { StoreConnection } from '../store/database.js';
import { PURGE_BATCH_SIZE } from '../store/purge-batch.js';
import type { PurgeTask } from '../store/purge-tasks.js';

export interface HousekeepingOptions {
  /** Milliseconds between runs; 0 never runs on its own (runOnce still works). */
  intervalMs: number;
  /** Rows per delete statement. */
  batchSize?: number;
  /** Called at the start of every run, e.g. to prune in-memory caches. */
  onRun?: (now: number) => void;
}

/** What one run deleted, by task name; `skipped` when another instance held the lock. */
export type HousekeepingResult = { skipped: true } | { skipped: false; deleted: Record<string, number> };

/**
 * Purges rows that are no longer needed, in the background: each task in batches (one short statement
 * at a time, yielding to the event loop in between) until nothing is left. On PostgreSQL one instance
 * at a time runs it (a session advisory lock); the others skip that round.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<HousekeepingResult> | undefined;
  private stopping = false;

  constructor(
    private readonly store: StoreConnection,
    private readonly tasks: PurgeTask[],
    private readonly logger: Logger,
    private readonly options: HousekeepingOptions,
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      void this.runOnce().catch((error: unknown) => this.logger.warn({ err: error }, 'housekeeping failed; will retry'));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress (which stops after its current batch). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One run now; a run already in progress in this process is joined rather than doubled. */
  runOnce(now = Date.now()): Promise<HousekeepingResult> {
    if (!this.running) {
      this.running = this.run(now).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async run(now: number): Promise<HousekeepingResult> {
    this.options.onRun?.(now);
    const limit = this.options.batchSize ?? PURGE_BATCH_SIZE;
    const deleted = await withTryLock(this.store, HOUSEKEEPING_LOCK, async (db) => {
      const counts: Record<string, number> = {};
      for (const task of this.tasks) {
        let total = 0;
        while (!this.stopping) {
          const count = await task.purgeBatch(db, now, limit);
          total += count;
          if (count < limit) break;
          await yieldToEventLoop();
        }
        counts[task.name] = total;
      }
      return counts;
    });
    if (deleted === undefined) return { skipped: true };
    const total = Object.values(deleted).reduce((sum, count) => sum + count, 0);
    if (total > 0) this.logger.info({ deleted }, 'housekeeping purged expired rows');
    return { skipped: false, deleted };
  }
}
