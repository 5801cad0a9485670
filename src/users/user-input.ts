import { checkFields, FieldValidationError } from '../shared/errors.js';
import { isRecord } from '../shared/is-record.js';
import type { User } from './user.js';

/** A user field that failed validation; answered 400 naming `field`. */
export class UserValidationError extends FieldValidationError {
  override name = 'UserValidationError';
}

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

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

export function parseEmail(value: unknown): string | null {
  const email = optionalText(value, 'email', 254);
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UserValidationError('email', 'must be an email address or null');
  return email;
}

export function parseRoles(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((role): role is string => typeof role === 'string' && /^[\x21-\x7E]{1,64}$/.test(role))) {
    throw new UserValidationError('roles', 'must be a list of role names (1 to 64 printable characters, no spaces)');
  }
  return [...new Set(value)];
}

function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new UserValidationError(field, 'must be true or false');
  return value;
}

/**
 * One field of the user APIs, keyed by its wire name:
 * - `property` and `parse`: where a create or update puts the checked value (absent: read-only, accepted and ignored);
 * - `createOnly`: only a create may give it, and must (the text is the hint when an update tries);
 * - `initial`: a setting, with the value of a new user that was not given one;
 * - `toJson`: the value in the JSON form (absent: never shown).
 */
interface UserField {
  readonly property?: keyof User | 'password';
  readonly parse?: (value: unknown, field: string) => unknown;
  readonly createOnly?: string;
  readonly initial?: () => unknown;
  readonly toJson?: (user: User) => unknown;
}

const iso = (time: number): string => new Date(time).toISOString();

/** Every field of a user, once, in the order of the JSON form and of the checks. */
export const USER_FIELDS = {
  id: { toJson: (user: User) => user.id },
  username: { property: 'username' as const, parse: parseUsername, createOnly: '; usernames cannot be changed', toJson: (user: User) => user.username },
  password: { property: 'password' as const, parse: parsePassword, createOnly: '; reset it with POST .../password' },
  display_name: {
    property: 'displayName' as const,
    parse: (value: unknown, field: string) => optionalText(value, field, 200),
    initial: (): string | null => null,
    toJson: (user: User) => user.displayName,
  },
  email: { property: 'email' as const, parse: parseEmail, initial: (): string | null => null, toJson: (user: User) => user.email },
  roles: { property: 'roles' as const, parse: parseRoles, initial: (): string[] => [], toJson: (user: User) => [...user.roles] },
  enabled: { property: 'enabled' as const, parse: parseBoolean, initial: () => true, toJson: (user: User) => user.enabled },
  locked_until: { toJson: (user: User) => (user.lockedUntil !== null && user.lockedUntil > Date.now() ? iso(user.lockedUntil) : null) },
  created_at: { toJson: (user: User) => iso(user.createdAt) },
  updated_at: { toJson: (user: User) => iso(user.updatedAt) },
  failed_attempts: {},
} satisfies Record<string, UserField>;

type Fields = typeof USER_FIELDS;

/** A user as the APIs show it: never the password hash. */
export type UserJson = {
  [Wire in keyof Fields as Fields[Wire] extends { toJson: unknown } ? Wire : never]: Fields[Wire] extends { toJson: (user: User) => infer Json } ? Json : never;
};

/** The fields a create or update may set, already checked one by one. */
export type UserChanges = {
  [Wire in keyof Fields as Fields[Wire] extends { property: infer Property extends string; parse: unknown } ? Property : never]?: Fields[Wire] extends {
    parse: (...args: never[]) => infer Value;
  }
    ? Value
    : never;
};

/** The User properties a create sets from the table and an update may change. */
type SettingProperty = { [Wire in keyof Fields]: Fields[Wire] extends { initial: unknown; property: infer Property extends keyof User } ? Property : never }[keyof Fields];

const ENTRIES: readonly (readonly [wire: string, field: UserField])[] = Object.entries(USER_FIELDS);
const PARSED = ENTRIES.flatMap(([wire, { property, parse, createOnly }]) => (property && parse ? [{ wire, property, parse, createOnly }] : []));
const SETTINGS = ENTRIES.flatMap(([, { property, initial }]) => (property && initial ? [{ property, initial }] : []));
const SHOWN = ENTRIES.flatMap(([wire, { toJson }]) => (toJson ? [{ wire, toJson }] : []));

/**
 * Checks a create or update body of the user API and the admin API, every field of it: throws one
 * UserValidationError, or an InvalidFieldsError listing every bad field (unknown or read-only fields first,
 * then in the order of USER_FIELDS).
 */
export function parseUserChanges(body: unknown, mode: 'create' | 'update'): UserChanges {
  if (!isRecord(body)) throw new UserValidationError('body', 'must be a JSON object');
  const refused = Object.keys(body).flatMap((key) => {
    const field = Object.hasOwn(USER_FIELDS, key) ? (USER_FIELDS as Record<string, UserField>)[key] : undefined;
    if (field?.parse === undefined) return field ? [] : [{ key, reason: 'unknown or read-only field' }]; // else read-only: ignored
    return mode === 'update' && field.createOnly !== undefined ? [{ key, reason: `unknown or read-only field${field.createOnly}` }] : [];
  });
  const checks: Record<string, () => unknown> = {
    // One check (named so that no field name can clash with it) for every refused field, each reported.
    '(refused fields)': () => {
      if (refused.length > 0) checkFields(Object.fromEntries(refused.map(({ key, reason }) => [key, () => refuse(key, reason)])));
    },
  };
  for (const { wire, parse, createOnly } of PARSED) {
    // A create must give every create-only field; the parser refuses undefined.
    if (createOnly !== undefined ? mode === 'create' : body[wire] !== undefined) checks[wire] = () => parse(body[wire], wire);
  }
  const results = checkFields(checks);
  const changes: Record<string, unknown> = {};
  for (const { wire, property } of PARSED) if (Object.hasOwn(checks, wire)) changes[property] = results[wire];
  // Each value comes from its field's parser, whose return type UserChanges is derived from.
  return changes;
}

function refuse(field: string, reason: string): never {
  throw new UserValidationError(field, reason);
}

/** The settings of a new user: the given ones, the defaults for the rest. */
export function initialUserSettings(changes: UserChanges): Pick<User, SettingProperty> {
  const settings: Record<string, unknown> = {};
  for (const { property, initial } of SETTINGS) settings[property] = changes[property as keyof UserChanges] ?? initial();
  return settings as Pick<User, SettingProperty>;
}

/** A user's settings after an update: the given ones, the current ones for the rest. */
export function changedUserSettings(current: User, changes: UserChanges): Pick<User, SettingProperty> {
  const settings: Record<string, unknown> = {};
  for (const { property } of SETTINGS) settings[property] = changes[property as keyof UserChanges] === undefined ? current[property as keyof User] : changes[property as keyof UserChanges];
  return settings as Pick<User, SettingProperty>;
}

/** A user as the APIs show it: never the password hash. */
export function toUserJson(user: User): UserJson {
  const json: Record<string, unknown> = {};
  for (const { wire, toJson } of SHOWN) json[wire] = toJson(user);
  return json as UserJson;
}
