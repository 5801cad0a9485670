import type { Redis } from 'ioredis';
import type { AttemptCounters, AttemptWindow } from '../users/attempt-counters.js';

/** Counts one attempt: a new key's window starts now and expires with it. Returns [count, ms left]. */
const ADD = `
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if count == 1 or left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}`;

/** Takes one attempt back, never below zero, keeping the window's expiry. */
const GIVE_BACK = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

/**
 * Attempt counters in Redis (REDIS_URL), shared by every instance: each key expires with its window, so
 * Redis holds only running windows. Each step is one Lua script, atomic in Redis. While Redis cannot be
 * reached, the database's counters count instead (a password check is never let through uncounted).
 */
export class RedisAttemptCounters implements AttemptCounters {
  constructor(
    private readonly redis: Redis,
    /** Prefix of every key (GATEHOUSE_REDIS_PREFIX). */
    private readonly keyPrefix: string,
    private readonly fallback: AttemptCounters,
  ) {}

  async add(key: string, windowMs: number, now: number): Promise<AttemptWindow> {
    try {
      const [count, left] = (await this.redis.eval(ADD, 1, this.keyOf(key), String(windowMs))) as [number, number];
      return { count, endsAt: now + left };
    } catch {
      return this.fallback.add(key, windowMs, now);
    }
  }

  async giveBack(key: string, now: number): Promise<void> {
    try {
      await this.redis.eval(GIVE_BACK, 1, this.keyOf(key));
    } catch {
      await this.fallback.giveBack(key, now);
    }
  }

  async clear(key: string): Promise<void> {
    // Both: an outage may have counted some attempts in the database.
    await Promise.all([this.redis.del(this.keyOf(key)).catch(() => undefined), this.fallback.clear(key)]);
  }

  private keyOf(key: string): string {
    return `${this.keyPrefix}attempts:${key}`;
  }
}
