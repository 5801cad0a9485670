import { describe, expect, it } from 'vitest';
import { quoteValue } from '../../src/shared/quote-value.js';

describe('quoteValue', () => {
  it('shows a text as typed, between single quotes, without JSON escapes', () => {
    expect(quoteValue('café "x" \\ y')).toBe(`'café "x" \\ y'`);
  });

  it('keeps a message on one line: control characters are shown escaped', () => {
    expect(quoteValue('a\nb\tc\u0001')).toBe("'a\\nb\\tc\\u0001'");
  });

  it('cuts a long text', () => {
    expect(quoteValue('x'.repeat(500))).toBe(`'${'x'.repeat(120)}…'`);
  });

  it('writes other values as written', () => {
    expect([quoteValue(null), quoteValue(3), quoteValue(false), quoteValue(undefined), quoteValue(['a']), quoteValue(() => 1)]).toEqual(['null', '3', 'false', 'nothing', '["a"]', 'a function']);
  });
});
