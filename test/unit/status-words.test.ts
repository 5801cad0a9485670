import { describe, expect, it } from 'vitest';
import { initialAccessTokenStatus, isUserLocked, userStatus } from '../../src/admin-api/wire.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const BEFORE = '2026-12-06T11:59:59Z';
const AFTER = '2026-12-06T12:00:01Z';

describe('userStatus (CLI) and isUserLocked (console)', () => {
  it.each([
    [{ enabled: true, locked_until: null }, 'enabled', false],
    [{ enabled: true, locked_until: AFTER }, 'locked', true],
    [{ enabled: true, locked_until: BEFORE }, 'enabled', false],
    [{ enabled: false, locked_until: AFTER }, 'disabled', true],
  ] as const)('%o is %s', (user, status, locked) => {
    expect(userStatus(user, NOW)).toBe(status);
    expect(isUserLocked(user, NOW)).toBe(locked);
  });
});

describe('initialAccessTokenStatus', () => {
  it.each([
    [{ revoked_at: null, expires_at: null }, 'active'],
    [{ revoked_at: null, expires_at: AFTER }, 'active'],
    [{ revoked_at: null, expires_at: BEFORE }, 'expired'],
    [{ revoked_at: BEFORE, expires_at: BEFORE }, 'revoked'],
  ] as const)('%o is %s', (token, status) => {
    expect(initialAccessTokenStatus(token, NOW)).toBe(status);
  });
});
