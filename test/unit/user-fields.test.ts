import { describe, expect, expectTypeOf, it } from 'vitest';
import type { User } from '../../src/users/user.js';
import { changedUserSettings, initialUserSettings, parseUserChanges, toUserJson, UserValidationError, type UserChanges, type UserJson } from '../../src/users/user-input.js';

const user: User = {
  id: 'u-1',
  username: 'alice',
  passwordHash: '$argon2id$secret-hash',
  displayName: 'Alice',
  email: 'alice@example.com',
  roles: ['ops'],
  enabled: true,
  failedAttempts: 2,
  firstFailedAt: null,
  lockedUntil: null,
  createdAt: Date.UTC(2026, 0, 1),
  updatedAt: Date.UTC(2026, 0, 2),
};

describe('the user field table', () => {
  it('shows every field of the JSON form, in order, and never the password hash', () => {
    const json = toUserJson(user);
    expect(Object.keys(json)).toEqual(['id', 'username', 'display_name', 'email', 'roles', 'enabled', 'locked_until', 'created_at', 'updated_at']);
    expect(JSON.stringify(json)).not.toContain('argon2');
    expect(json.created_at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reads back what it shows (read-only fields ignored) and gives a new user its defaults', () => {
    const { username, ...shown } = toUserJson(user);
    expect(username).toBe('alice');
    expect(parseUserChanges({ ...shown, failed_attempts: 2 }, 'update')).toEqual({ displayName: 'Alice', email: 'alice@example.com', roles: ['ops'], enabled: true });
    const created = parseUserChanges({ username: 'bob', password: 'long enough' }, 'create');
    expect(created).toEqual({ username: 'bob', password: 'long enough' });
    expect(initialUserSettings(created)).toEqual({ displayName: null, email: null, roles: [], enabled: true });
    expect(changedUserSettings(user, { email: null, enabled: false })).toEqual({ displayName: 'Alice', email: null, roles: ['ops'], enabled: false });
  });

  it('requires the create-only fields on create and names them on update', () => {
    expect(() => parseUserChanges({ username: 'bob' }, 'create')).toThrow(new UserValidationError('password', 'must be a string of 8 to 1024 characters'));
    expect(() => parseUserChanges({ password: 'long enough' }, 'update')).toThrow(new UserValidationError('password', 'unknown or read-only field; reset it with POST .../password'));
    expect(() => parseUserChanges({ username: 'bob' }, 'update')).toThrow(new UserValidationError('username', 'unknown or read-only field; usernames cannot be changed'));
    expect(() => parseUserChanges({ nickname: 'b' }, 'update')).toThrow(new UserValidationError('nickname', 'unknown or read-only field'));
  });

  it('derives the JSON and change types from the table', () => {
    expectTypeOf<UserJson>().toEqualTypeOf<{
      id: string;
      username: string;
      display_name: string | null;
      email: string | null;
      roles: string[];
      enabled: boolean;
      locked_until: string | null;
      created_at: string;
      updated_at: string;
    }>();
    expectTypeOf<UserChanges>().toEqualTypeOf<{
      username?: string;
      password?: string;
      displayName?: string | null;
      email?: string | null;
      roles?: string[];
      enabled?: boolean;
    }>();
  });
});
