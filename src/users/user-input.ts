import { FieldValidationError } from '../shared/errors.js';

/** A user field that failed validation; answered 400 naming `field`. */
export class UserValidationError extends FieldValidationError {
  override name = 'UserValidationError';
}

export interface UserChanges {
  username?: string;
  password?: string;
  displayName?: string | null;
  email?: string | null;
  roles?: string[];
  enabled?: boolean;
}

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

const CREATE_FIELDS = ['username', 'password', 'display_name', 'email', 'roles', 'enabled'];
const UPDATE_FIELDS = ['display_name', 'email', 'roles', 'enabled'];
const READ_ONLY_FIELDS = ['id', 'created_at', 'updated_at', 'locked_until', 'failed_attempts'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks a create or update body of the user API and the admin API. */
export function parseUserChanges(body: unknown, mode: 'create' | 'update'): UserChanges {
  if (!isRecord(body)) throw new UserValidationError('body', 'must be a JSON object');
  const allowed = mode === 'create' ? CREATE_FIELDS : UPDATE_FIELDS;
  for (const key of Object.keys(body)) {
    if (READ_ONLY_FIELDS.includes(key)) continue;
    if (!allowed.includes(key)) {
      const hint = key === 'password' ? '; reset it with POST .../password' : key === 'username' ? '; usernames cannot be changed' : '';
      throw new UserValidationError(key, `unknown or read-only field${hint}`);
    }
  }
  const changes: UserChanges = {};
  if (mode === 'create') {
    changes.username = parseUsername(body.username);
    changes.password = parsePassword(body.password);
  }
  if (body.display_name !== undefined) changes.displayName = optionalText(body.display_name, 'display_name', 200);
  if (body.email !== undefined) changes.email = parseEmail(body.email);
  if (body.roles !== undefined) changes.roles = parseRoles(body.roles);
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean') throw new UserValidationError('enabled', 'must be true or false');
    changes.enabled = body.enabled;
  }
  return changes;
}

export function parseUsername(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 128 || value !== value.trim() || CONTROL.test(value)) {
    throw new UserValidationError('username', 'must be 1 to 128 characters, without control characters or surrounding spaces');
  }
  return value.normalize('NFC');
}

export function parsePassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw new UserValidationError('password', `must be a string of ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length > max || CONTROL.test(value)) {
    throw new UserValidationError(field, `must be a string of at most ${max} characters without control characters, or null`);
  }
  return value.trim() === '' ? null : value.trim();
}

function parseEmail(value: unknown): string | null {
  const email = optionalText(value, 'email', 254);
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UserValidationError('email', 'must be an email address or null');
  return email;
}

function parseRoles(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((role): role is string => typeof role === 'string' && /^[\x21-\x7E]{1,64}$/.test(role))) {
    throw new UserValidationError('roles', 'must be a list of role names (1 to 64 printable characters, no spaces)');
  }
  return [...new Set(value)];
}
