import { describe, expect, it } from 'vitest';
import { nextCheckState, sameCheckState } from '../../src/security/check-state.js';
import { challenge, failure, success } from '../../src/security/security-check.js';

const NOW = 1_000_000;
const old = { checkName: 'PinCode', passedUntil: null, failedAttempts: 2, blockedUntil: null, version: 7 };

describe('nextCheckState', () => {
  it('remembers a success for its lifetime and clears attempts and block', () => {
    expect(nextCheckState(old, success(), { now: NOW, successLifetime: 60 })).toEqual({ ...old, passedUntil: NOW + 60_000, failedAttempts: 0, blockedUntil: null });
    expect(nextCheckState(old, success({ lifetime: 5 }), { now: NOW, successLifetime: 60 }).passedUntil).toBe(NOW + 5_000);
  });

  it('stores the attempts an outcome reports, and keeps the old count when it reports none', () => {
    expect(nextCheckState(old, challenge({}, { failedAttempts: 3 }), { now: NOW, successLifetime: 60 }).failedAttempts).toBe(3);
    expect(nextCheckState(old, challenge({}), { now: NOW, successLifetime: 60 }).failedAttempts).toBe(2);
    expect(nextCheckState(old, failure('no', { failedAttempts: 4.7 }), { now: NOW, successLifetime: 60 }).failedAttempts).toBe(4);
    expect(nextCheckState(old, failure('no', { failedAttempts: -1 }), { now: NOW, successLifetime: 60 }).failedAttempts).toBe(0);
  });

  it('starts a fresh count with a block', () => {
    expect(nextCheckState(old, failure('blocked', { blockedUntil: NOW + 1000, failedAttempts: 5 }), { now: NOW, successLifetime: 60 })).toEqual({
      ...old,
      failedAttempts: 0,
      blockedUntil: NOW + 1000,
    });
  });

  it('is pure: the old state is left as it was', () => {
    const before = { ...old };
    nextCheckState(old, success(), { now: NOW, successLifetime: 60 });
    expect(old).toEqual(before);
    expect(sameCheckState(old, nextCheckState(old, challenge({}), { now: NOW, successLifetime: 60 }))).toBe(true);
  });
});
