/** Failures counted per key within a window; at the limit, further attempts wait until the window ends. */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

interface Count {
  failures: number;
  windowStart: number;
}

/**
 * Failed console sign-ins, counted per source address and per username (in memory, per instance).
 * Only failures count, so an administrator who types the right password is never slowed down by
 * earlier successful sign-ins; a success clears the username's count.
 */
export class SignInThrottle {
  private readonly counts = new Map<string, Count>();

  constructor(private readonly rules: { perAddress: ThrottleRule; perUsername: ThrottleRule }) {}

  /** Milliseconds to wait before another attempt is taken, or 0. */
  retryAfterMs(address: string, username: string, now = Date.now()): number {
    return Math.max(this.waitOf(`a:${address}`, this.rules.perAddress, now), this.waitOf(`u:${username.toLowerCase()}`, this.rules.perUsername, now));
  }

  recordFailure(address: string, username: string, now = Date.now()): void {
    this.bump(`a:${address}`, this.rules.perAddress, now);
    this.bump(`u:${username.toLowerCase()}`, this.rules.perUsername, now);
    if (this.counts.size > 100_000) this.prune(now);
  }

  recordSuccess(username: string): void {
    this.counts.delete(`u:${username.toLowerCase()}`);
  }

  private waitOf(key: string, rule: ThrottleRule, now: number): number {
    const count = this.counts.get(key);
    if (!count || now - count.windowStart >= rule.windowMs || count.failures < rule.maxFailures) return 0;
    return count.windowStart + rule.windowMs - now;
  }

  private bump(key: string, rule: ThrottleRule, now: number): void {
    const count = this.counts.get(key);
    if (!count || now - count.windowStart >= rule.windowMs) this.counts.set(key, { failures: 1, windowStart: now });
    else count.failures += 1;
  }

  private prune(now: number): void {
    const longest = Math.max(this.rules.perAddress.windowMs, this.rules.perUsername.windowMs);
    for (const [key, count] of this.counts) if (now - count.windowStart >= longest) this.counts.delete(key);
  }
}
