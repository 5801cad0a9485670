import { describe, expect, it } from 'vitest';
import { checkAccessTokenLifetime } from '../../src/clients/client-registry.js';
import { ClientValidationError } from '../../src/clients/client-validation-error.js';
import { lifetimeWithin } from '../../src/oauth/security-gate.js';

describe('a client lifetime and the server maximum', () => {
  it('accepts 0, the maximum and anything below; refuses more, naming the maximum', () => {
    for (const lifetime of [undefined, 0, 60, 3600]) expect(() => checkAccessTokenLifetime(lifetime, 3600)).not.toThrow();
    expect(() => checkAccessTokenLifetime(3601, 3600)).toThrow(ClientValidationError);
    expect(() => checkAccessTokenLifetime(3601, 3600)).toThrow(/at most 3600/);
  });
});

describe('a token lifetime within its checks', () => {
  it('keeps the planned lifetime without a remembered check, and cuts it to what remains, rounded up, at least 1', () => {
    expect(lifetimeWithin(900, undefined, 0)).toBe(900);
    expect(lifetimeWithin(900, 30_000, 0)).toBe(30);
    expect(lifetimeWithin(900, 29_001, 0)).toBe(30);
    expect(lifetimeWithin(900, 5_000_000, 0)).toBe(900);
    expect(lifetimeWithin(900, 10, 1000)).toBe(1);
  });
});
