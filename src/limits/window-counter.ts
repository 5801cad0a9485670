import { overLimitWait, windowEnd, windowEnded, type FixedWindow } from './fixed-window.js';

/** How many requests a key may make per window. */
export interface WindowRule {
  /** Requests allowed per window; 0 turns the limit off (nothing is counted). */
  max: number;
  windowMs: number;
}

/** Keys remembered at most, unless told otherwise: about 10 MB of counters. */
export const DEFAULT_MAX_KEYS = 100_000;

/**
 * Fixed-window request counters per key, in this process's memory (no I/O, no scans: cheap enough for the
 * token hot path). A key's window starts with its first request and lasts `windowMs`; within it at most
 * `max` requests are allowed.
 *
 * Memory is bounded without ever walking the keys: windows live in two generations. New windows go into
 * `current`; every `windowMs` (or as soon as `current` holds half of `maxKeys`) `current` becomes
 * `previous` and the old `previous` is dropped whole. On time, every window in it has ended by then (it
 * started before the last turn). A window still running that is used again is moved into `current`, so an
 * active key survives a spray of new keys; only idle keys are dropped early, and a dropped key merely
 * starts afresh (which errs on the side of letting a request through). A spray of distinct keys therefore
 * costs at most `maxKeys` entries.
 */
export class WindowCounter {
  private current = new Map<string, FixedWindow>();
  private previous = new Map<string, FixedWindow>();
  private turnedAt: number;
  private readonly generationSize: number;

  constructor(
    private readonly rule: () => WindowRule,
    maxKeys = DEFAULT_MAX_KEYS,
    private readonly clock: () => number = Date.now,
  ) {
    this.generationSize = Math.max(1, Math.floor(maxKeys / 2));
    this.turnedAt = clock();
  }

  /** Counts one request of `key`: 0 when it is allowed, else the milliseconds until its window ends. */
  take(key: string): number {
    const { max, windowMs } = this.rule();
    if (max <= 0) return 0;
    const now = this.clock();
    if (now - this.turnedAt >= windowMs) this.turn(now);
    const window = this.running(key, now);
    if (window === undefined) {
      if (this.current.size >= this.generationSize) this.turn(now);
      this.current.set(key, { count: 1, endsAt: windowEnd(now, windowMs) });
      return 0;
    }
    window.count += 1;
    return overLimitWait(window, max, now) ?? 0;
  }

  /** Like take, without counting: 0 when the next request of `key` would be allowed. */
  peek(key: string): number {
    const { max } = this.rule();
    if (max <= 0) return 0;
    const now = this.clock();
    const window = this.current.get(key) ?? this.previous.get(key);
    if (window === undefined || windowEnded(window.endsAt, now)) return 0;
    return overLimitWait({ count: window.count + 1, endsAt: window.endsAt }, max, now) ?? 0;
  }

  /** Keys currently remembered (for tests). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** The key's window if it is still running, moved into the current generation. */
  private running(key: string, now: number): FixedWindow | undefined {
    const window = this.current.get(key);
    if (window !== undefined) {
      if (!windowEnded(window.endsAt, now)) return window;
      this.current.delete(key);
      return undefined;
    }
    const older = this.previous.get(key);
    if (older === undefined) return undefined;
    this.previous.delete(key);
    if (windowEnded(older.endsAt, now)) return undefined;
    if (this.current.size >= this.generationSize) this.turn(now);
    this.current.set(key, older);
    return older;
  }

  private turn(now: number): void {
    this.previous = this.current;
    this.current = new Map();
    this.turnedAt = now;
  }
}
