import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('deployment settings', () => {
  it('have defaults for a single instance', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      redisUrl: undefined,
      redisKeyPrefix: 'gatehouse:',
      metrics: true,
      metricsToken: undefined,
      workers: 1,
      housekeepingInterval: 60,
      usedRefreshTokenRetention: 604_800,
    });
  });

  it('reads them from the environment', () => {
    const config = loadConfig({
      env: {
        REDIS_URL: 'redis://:pw@cache:6379/2',
        GATEHOUSE_REDIS_PREFIX: 'gh-prod:',
        GATEHOUSE_METRICS: 'off',
        GATEHOUSE_METRICS_TOKEN: 'metrics-token-0123456789',
        GATEHOUSE_WORKERS: '4',
        GATEHOUSE_HOUSEKEEPING_INTERVAL: '0',
        GATEHOUSE_USED_REFRESH_TOKEN_RETENTION: '86400',
      },
    });
    expect(config).toMatchObject({
      redisUrl: 'redis://:pw@cache:6379/2',
      redisKeyPrefix: 'gh-prod:',
      metrics: false,
      metricsToken: 'metrics-token-0123456789',
      workers: 4,
      housekeepingInterval: 0,
      usedRefreshTokenRetention: 86_400,
    });
  });

  it('refuses bad values with one line, without repeating secrets', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ REDIS_URL: 'http://secret-password@cache' }, /^REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
      [{ GATEHOUSE_METRICS: 'maybe' }, /^GATEHOUSE_METRICS: must be on or off/],
      [{ GATEHOUSE_METRICS_TOKEN: 'short' }, /^GATEHOUSE_METRICS_TOKEN: must be at least 16 characters/],
      [{ GATEHOUSE_WORKERS: '0' }, /^GATEHOUSE_WORKERS: must be an integer from 1 to 256/],
      [{ GATEHOUSE_HOUSEKEEPING_INTERVAL: '-5' }, /^GATEHOUSE_HOUSEKEEPING_INTERVAL: /],
      [{ GATEHOUSE_USED_REFRESH_TOKEN_RETENTION: '10' }, /^GATEHOUSE_USED_REFRESH_TOKEN_RETENTION: must be an integer from 60/],
    ];
    for (const [env, message] of cases) {
      let caught: unknown;
      try {
        loadConfig({ env });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain('secret-password');
    }
  });
});
