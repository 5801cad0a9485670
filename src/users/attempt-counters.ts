import type { FixedWindow } from '../limits/fixed-window.js';

/** One key's attempts within its current window. */
export type AttemptWindow = FixedWindow;

/**
 * Attempt counters shared by every instance (implemented by the store's `attempt_counters` table, or by
 * Redis when REDIS_URL is set). A key's window starts with its first attempt and lasts `windowMs`; every
 * method is one atomic step, so concurrent attempts here or on other instances each see their own count.
 */
export interface AttemptCounters {
  /** Counts one attempt of `key` (a new window when the last one has ended) and returns the window. */
  add(key: string, windowMs: number, now: number): Promise<AttemptWindow>;
  /** Takes one attempt of `key` back (never below zero; nothing once its window has ended). */
  giveBack(key: string, now: number): Promise<void>;
  /** Forgets every attempt of `key`. */
  clear(key: string): Promise<void>;
}
