import { describe, expect, it } from 'vitest';
import { overLimitWait, windowEnd, windowEnded } from '../../src/limits/fixed-window.js';

describe('fixed window arithmetic', () => {
  it('opens a window of windowMs that has ended once now reaches its end', () => {
    const endsAt = windowEnd(1_000, 60_000);
    expect(endsAt).toBe(61_000);
    expect(windowEnded(endsAt, 60_999)).toBe(false);
    expect(windowEnded(endsAt, 61_000)).toBe(true);
    expect(windowEnded(endsAt, 61_001)).toBe(true);
  });

  it('allows max requests in a window; beyond, a request waits for the window’s end', () => {
    expect(overLimitWait({ count: 3, endsAt: 61_000 }, 3, 11_000)).toBeUndefined();
    expect(overLimitWait({ count: 4, endsAt: 61_000 }, 3, 11_000)).toBe(50_000);
    // A refusal holds even in the window's last millisecond.
    expect(overLimitWait({ count: 4, endsAt: 61_000 }, 3, 61_000)).toBe(0);
  });
});
