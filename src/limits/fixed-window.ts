/**
 * The arithmetic of a fixed window, shared by every fixed-window limit: the in-memory WindowCounter, and
 * the attempt counters in the database and in Redis (which do the same steps atomically in SQL or Lua).
 * A key's window opens with its first request and lasts `windowMs`; it has ended once `now` reaches its
 * end, and the next request opens a new one; beyond `max` requests in it, a request waits for its end.
 */

/** One key's requests within its current window. */
export interface FixedWindow {
  /** Requests counted in the window, the latest included. */
  count: number;
  /** Epoch milliseconds at which the window ends. */
  endsAt: number;
}

/** When a window opened at `now` ends. */
export function windowEnd(now: number, windowMs: number): number {
  return now + windowMs;
}

/** Whether a window ending at `endsAt` has ended at `now` (the next request opens a new one). */
export function windowEnded(endsAt: number, now: number): boolean {
  return endsAt <= now;
}

/** The milliseconds a request waits when its window holds more than `max` requests (itself included), else undefined (allowed). */
export function overLimitWait(window: FixedWindow, max: number, now: number): number | undefined {
  return window.count > max ? window.endsAt - now : undefined;
}
