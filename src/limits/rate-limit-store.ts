import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Where @fastify/rate-limit counts: one shared Redis for every instance, or (undefined) each instance's memory. */
export interface SharedRateLimitStore {
  redis: Redis;
  /** Prefix of every counter key in Redis. */
  keyPrefix: string;
  /** Resolves once connected, or once the first attempt failed (start-up does not wait for an outage to end). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects to REDIS_URL for shared rate-limit counters. Commands fail fast while Redis is unreachable
 * (no offline queue: the limiter then lets requests through at once rather than refusing or delaying
 * everyone); the outage is logged once.
 */
export function connectRateLimitStore(url: string | undefined, keyPrefix: string, logger: Logger): SharedRateLimitStore | undefined {
  if (url === undefined) return undefined;
  const redis = new Redis(url, { connectTimeout: 2_000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  let healthy = true;
  redis.on('error', (error: Error) => {
    if (!healthy) return;
    healthy = false;
    logger.warn({ reason: error.message.replace(/redis:\/\/[^@\s]*@/g, 'redis://') }, 'Redis for rate limits is unreachable; limits are not enforced until it is back');
  });
  redis.on('ready', () => {
    if (!healthy) logger.info('Redis for rate limits is back');
    healthy = true;
  });
  const firstAttempt = new Promise<void>((resolve) => {
    redis.once('ready', () => resolve());
    redis.once('error', () => resolve());
  });
  return {
    redis,
    keyPrefix,
    ready: () => firstAttempt,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * @fastify/rate-limit options that count in the shared Redis under `<prefix>rate-limit:<name>:`, or none (each
 * process counts in memory). An unreachable Redis lets requests through rather than failing them.
 */
export function rateLimitStoreOptions(shared: SharedRateLimitStore | undefined, name: string): { redis?: Redis; nameSpace?: string; skipOnError?: boolean } {
  return shared ? { redis: shared.redis, nameSpace: `${shared.keyPrefix}rate-limit:${name}:`, skipOnError: true } : {};
}
