import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_KEYS, WindowCounter, type WindowRule } from '../../src/limits/window-counter.js';

const SECOND = 1_000;

/** A counter on a clock the test moves. */
function counterAt(rule: WindowRule, maxKeys?: number) {
  const clock = { now: 1_000_000 };
  const counter = new WindowCounter(
    () => rule,
    maxKeys,
    () => clock.now,
  );
  return { counter, clock };
}

describe('window counter', () => {
  it('allows max requests per window, then answers the time left in the window', () => {
    const { counter, clock } = counterAt({ max: 3, windowMs: 60 * SECOND });
    expect([counter.take('a'), counter.take('a'), counter.take('a')]).toEqual([0, 0, 0]);
    clock.now += 10 * SECOND;
    expect(counter.take('a')).toBe(50 * SECOND);
    expect(counter.peek('a')).toBe(50 * SECOND);
    // Another key has its own budget.
    expect(counter.take('b')).toBe(0);
  });

  it('starts a new window once the old one has ended', () => {
    const { counter, clock } = counterAt({ max: 1, windowMs: 60 * SECOND });
    expect(counter.take('a')).toBe(0);
    expect(counter.take('a')).toBe(60 * SECOND);
    clock.now += 60 * SECOND;
    expect(counter.peek('a')).toBe(0);
    expect(counter.take('a')).toBe(0);
    expect(counter.take('a')).toBe(60 * SECOND);
  });

  it('peek never counts', () => {
    const { counter } = counterAt({ max: 2, windowMs: 60 * SECOND });
    for (let i = 0; i < 10; i++) expect(counter.peek('a')).toBe(0);
    expect(counter.take('a')).toBe(0);
    expect(counter.peek('a')).toBe(0);
    expect(counter.take('a')).toBe(0);
    expect(counter.peek('a')).toBe(60 * SECOND);
  });

  it('counts nothing and refuses nothing when max is 0', () => {
    const { counter } = counterAt({ max: 0, windowMs: 60 * SECOND });
    for (let i = 0; i < 100; i++) expect(counter.take('a')).toBe(0);
    expect(counter.peek('a')).toBe(0);
    expect(counter.size).toBe(0);
  });

  it('reads the rule on every request, so a changed limit applies at once', () => {
    const rule = { max: 1, windowMs: 60 * SECOND };
    const counter = new WindowCounter(() => rule);
    counter.take('a');
    expect(counter.take('a')).toBeGreaterThan(0);
    rule.max = 5;
    expect(counter.take('a')).toBe(0);
  });

  it('forgets expired windows as time passes', () => {
    const { counter, clock } = counterAt({ max: 5, windowMs: 60 * SECOND });
    for (let i = 0; i < 1000; i++) counter.take(`address-${i}`);
    expect(counter.size).toBe(1000);
    clock.now += 60 * SECOND;
    counter.take('late');
    clock.now += 60 * SECOND;
    counter.take('later');
    expect(counter.size).toBe(2);
  });

  it('a spray of a million distinct keys within one window stays within maxKeys', () => {
    const { counter } = counterAt({ max: 100, windowMs: 60 * SECOND });
    let largest = 0;
    for (let i = 0; i < 1_000_000; i++) {
      counter.take(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      largest = Math.max(largest, counter.size);
    }
    expect(largest).toBe(DEFAULT_MAX_KEYS);
  });

  it('an active key keeps its count through a spray of new keys; an idle one starts afresh', () => {
    const { counter, clock } = counterAt({ max: 2, windowMs: 60 * SECOND }, 10);
    counter.take('idle');
    counter.take('idle');
    counter.take('busy');
    counter.take('busy');
    for (let i = 0; i < 100; i++) {
      counter.take(`spray-${i}`);
      expect(counter.peek('busy')).toBe(60 * SECOND - i * 10); // still limited
      expect(counter.size).toBeLessThanOrEqual(10);
      if (i % 3 === 0) expect(counter.take('busy')).toBeGreaterThan(0); // used again: kept
      clock.now += 10;
    }
    expect(counter.peek('idle')).toBe(0);
  });

  it('agrees with a naive model of per-key windows (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), advance: fc.integer({ min: 0, max: 25 * SECOND }) }), { maxLength: 60 }), (max, steps) => {
        const windowMs = 60 * SECOND;
        const { counter, clock } = counterAt({ max, windowMs });
        const model = new Map<string, { start: number; count: number }>();
        for (const { key, advance } of steps) {
          clock.now += advance;
          let entry = model.get(key);
          if (!entry || clock.now >= entry.start + windowMs) model.set(key, (entry = { start: clock.now, count: 0 }));
          entry.count += 1;
          const expected = entry.count > max ? entry.start + windowMs - clock.now : 0;
          expect(counter.take(key)).toBe(expected);
        }
      }),
    );
  });
});
