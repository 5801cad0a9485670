import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-schema.js';
import { restartDelay, workerCount } from '../../src/server/worker-cluster.js';

describe('worker cluster', () => {
  it('backs off restarts: 250 ms doubling per consecutive crash, at most 30 s', () => {
    expect([1, 2, 3, 4, 5].map(restartDelay)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(restartDelay(8)).toBe(30_000);
    expect(restartDelay(50)).toBe(30_000);
  });

  it('takes --workers over GATEHOUSE_WORKERS and refuses bad counts', () => {
    expect(workerCount(undefined, { workers: 3 })).toBe(3);
    expect(workerCount('2', { workers: 3 })).toBe(2);
    for (const bad of ['0', '-1', 'two', '1.5', '257']) {
      expect(() => workerCount(bad, { workers: 1 })).toThrow(ConfigError);
      expect(() => workerCount(bad, { workers: 1 })).toThrow('--workers: must be an integer from 1 to 256');
    }
  });
});
