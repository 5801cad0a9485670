import { describe, expect, it } from 'vitest';
import { normaliseScope, scopeElements } from '../../../src/client-sdk/scope.js';

describe('scope normalisation', () => {
  it('sorts elements, drops duplicates and extra spaces', () => {
    expect(normaliseScope('users  orders users')).toBe('orders users');
    expect(normaliseScope(['b', 'a c', 'a'])).toBe('a b c');
    expect(normaliseScope(' ')).toBe('');
    expect(normaliseScope(undefined)).toBe('');
    expect(scopeElements('x\ty')).toEqual(['x', 'y']);
  });
});
