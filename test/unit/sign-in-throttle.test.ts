import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../src/admins/sign-in-throttle.js';

const MINUTE = 60_000;

describe('sign-in throttle', () => {
  const rules = { perAddress: { maxFailures: 4, windowMs: 15 * MINUTE }, perUsername: { maxFailures: 2, windowMs: 15 * MINUTE } };

  it('holds a username after its failures until the window ends, whatever the address', () => {
    const throttle = new SignInThrottle(rules);
    const start = 1_000_000;
    throttle.recordFailure('10.0.0.1', 'Admin', start);
    expect(throttle.retryAfterMs('10.0.0.2', 'admin', start + 1)).toBe(0);
    throttle.recordFailure('10.0.0.2', 'admin', start + MINUTE);
    expect(throttle.retryAfterMs('10.0.0.3', 'ADMIN', start + 2 * MINUTE)).toBe(13 * MINUTE);
    expect(throttle.retryAfterMs('10.0.0.3', 'other', start + 2 * MINUTE)).toBe(0);
    expect(throttle.retryAfterMs('10.0.0.3', 'admin', start + 15 * MINUTE)).toBe(0);
  });

  it('holds an address after its failures over many usernames', () => {
    const throttle = new SignInThrottle(rules);
    for (const name of ['a', 'b', 'c', 'd']) throttle.recordFailure('10.0.0.9', name, 0);
    expect(throttle.retryAfterMs('10.0.0.9', 'e', MINUTE)).toBe(14 * MINUTE);
    expect(throttle.retryAfterMs('10.0.0.8', 'e', MINUTE)).toBe(0);
  });

  it('clears the username count after a successful sign-in', () => {
    const throttle = new SignInThrottle(rules);
    throttle.recordFailure('10.0.0.1', 'admin', 0);
    throttle.recordSuccess('admin');
    throttle.recordFailure('10.0.0.1', 'admin', 1);
    expect(throttle.retryAfterMs('10.0.0.1', 'admin', 2)).toBe(0);
  });
});
