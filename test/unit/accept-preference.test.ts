import { describe, expect, it } from 'vitest';
import { prefersPlainText } from '../../src/http/accept-preference.js';

describe('prefersPlainText', () => {
  it('prefers text/plain when the Accept header asks for it above JSON', () => {
    for (const accept of [
      'text/plain',
      'TEXT/PLAIN',
      'text/plain; charset=utf-8',
      'text/*',
      'application/json;q=0.5, text/plain',
      'text/plain;q=0.9, application/json;q=0.8',
      'text/plain, */*',
      'text/plain, */*;q=0.1',
    ]) {
      expect(prefersPlainText(accept), accept).toBe(true);
    }
  });

  it('keeps JSON by default, on a tie, when JSON is preferred and for garbage', () => {
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/json',
      'application/json, text/plain, */*',
      'text/plain, application/json',
      'text/plain;q=0.5, application/json',
      'text/plain;q=0, */*',
      'text/plain;q=2',
      'text/plain;q=abc',
      'text/html',
      'nonsense',
    ]) {
      expect(prefersPlainText(accept), String(accept)).toBe(false);
    }
  });
});
