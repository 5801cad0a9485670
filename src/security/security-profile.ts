import { PROFILE_NAME } from '../clients/client-metadata.js';
import { isScopeToken } from '../shared/scope.js';
import { ConflictError, FieldValidationError, NotFoundError } from '../shared/errors.js';
import { isRecord } from '../shared/is-record.js';

export const DEFAULT_MAX_TOKEN_EXPIRATION = 3600;
export const MAX_TOKEN_EXPIRATION = 99_999_999;
/** Security checks are named like scope elements, a little shorter. */
export const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** How an app's clients are checked: which checks scope elements need, what is always checked, how long tokens live. */
export interface SecurityProfile {
  name: string;
  /** Seconds; caps every token of the profile's clients. */
  maxTokenExpiration: number;
  /** element -> checks it needs; an empty list: the element needs no check. Overrides the same-named check. */
  scopeElementMapping: Record<string, string[]>;
  /** Elements whose checks run on every token request of the profile's clients; never written into a token. */
  mandatoryScope: string[];
  /** App instances may register themselves under this profile (RFC 7591) with one of its initial access tokens. */
  registrationEnabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The settings a profile file carries (what `gatehouse profiles pull/push` keep in version control). */
export type ProfileSettings = Pick<SecurityProfile, 'maxTokenExpiration' | 'scopeElementMapping' | 'mandatoryScope'> & {
  /** Absent: off for a new profile, unchanged for an existing one. */
  registrationEnabled?: boolean;
};

export class ProfileValidationError extends FieldValidationError {
  override name = 'ProfileValidationError';
}

export class ProfileNotFoundError extends NotFoundError {
  constructor(readonly profileName: string) {
    super(`no security profile named '${profileName}'`);
    this.name = 'ProfileNotFoundError';
  }
}

export class DuplicateProfileError extends ConflictError {
  constructor(readonly profileName: string) {
    super(`a security profile named '${profileName}' already exists`, 'name');
    this.name = 'DuplicateProfileError';
  }
}

export class ProfileInUseError extends ConflictError {
  constructor(
    readonly profileName: string,
    readonly clientCount: number,
  ) {
    super(`the security profile '${profileName}' is used by ${clientCount} client(s); move them to another profile first`);
    this.name = 'ProfileInUseError';
  }
}

export function parseProfileName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !PROFILE_NAME.test(value)) {
    throw new ProfileValidationError(field, "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  return value;
}

function parseMaxTokenExpiration(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TOKEN_EXPIRATION) {
    throw new ProfileValidationError(field, `must be an integer from 1 to ${MAX_TOKEN_EXPIRATION} (seconds)`);
  }
  return value;
}

function parseMapping(value: unknown, field: string): Record<string, string[]> {
  if (!isRecord(value)) throw new ProfileValidationError(field, 'must be an object mapping scope elements to lists of check names');
  const mapping: Record<string, string[]> = {};
  for (const [element, checks] of Object.entries(value)) {
    if (!isScopeToken(element)) throw new ProfileValidationError(field, `'${element}' is not a valid scope element (RFC 6749 §3.3)`);
    if (!Array.isArray(checks)) throw new ProfileValidationError(field, `${element}: must be a list of check names ([] for no check)`);
    const names = new Set<string>();
    for (const check of checks) {
      if (typeof check !== 'string' || !CHECK_NAME.test(check)) throw new ProfileValidationError(field, `${element}: '${String(check)}' is not a check name`);
      names.add(check);
    }
    mapping[element] = [...names];
  }
  return mapping;
}

function parseMandatoryScope(value: unknown, field: string): string[] {
  const items = typeof value === 'string' ? value.split(' ').filter((item) => item !== '') : value;
  if (!Array.isArray(items)) throw new ProfileValidationError(field, 'must be a list of scope elements');
  const elements = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' || !isScopeToken(item)) throw new ProfileValidationError(field, `'${String(item)}' is not a valid scope element (RFC 6749 §3.3)`);
    elements.add(item);
  }
  return [...elements];
}

function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ProfileValidationError(field, 'must be true or false');
  return value;
}

/**
 * One field of a security profile, keyed by its SecurityProfile property:
 * - `api`: its name in the admin API's JSON;
 * - `file`: the profile file (`profiles pull/push`, camelCase: the property's name) carries it;
 * - `parse`: checks a given value, naming the field (absent: read-only, accepted on input and ignored);
 * - `initial`: the value when a full body or a file leaves it out (absent: not a setting);
 * - `toJson`: the JSON value when it is not the property's value itself.
 */
interface ProfileField<Value> {
  readonly api: string;
  readonly file?: true;
  readonly parse?: (value: unknown, field: string) => Value;
  readonly initial?: () => Value;
  readonly toJson?: (profile: SecurityProfile) => unknown;
}

const iso = (time: number): string => new Date(time).toISOString();

/** Every field of a security profile, once, in the order of the JSON and file forms. */
export const PROFILE_FIELDS = {
  name: { api: 'name', file: true, parse: parseProfileName },
  maxTokenExpiration: { api: 'max_token_expiration', file: true, parse: parseMaxTokenExpiration, initial: () => DEFAULT_MAX_TOKEN_EXPIRATION },
  scopeElementMapping: { api: 'scope_element_mapping', file: true, parse: parseMapping, initial: () => ({}) },
  mandatoryScope: { api: 'mandatory_scope', file: true, parse: parseMandatoryScope, initial: () => [] },
  registrationEnabled: { api: 'registration_enabled', parse: parseBoolean, initial: () => false },
  createdAt: { api: 'created_at', toJson: (profile) => iso(profile.createdAt) },
  updatedAt: { api: 'updated_at', toJson: (profile) => iso(profile.updatedAt) },
} as const satisfies { readonly [Property in keyof SecurityProfile]: ProfileField<SecurityProfile[Property]> };

type Fields = typeof PROFILE_FIELDS;
type Flat<T> = { -readonly [K in keyof T]: T[K] };

/** The admin API's JSON form. */
export type SecurityProfileJson = Flat<{
  [Property in keyof Fields as Fields[Property]['api']]: Fields[Property] extends { toJson: (profile: SecurityProfile) => infer Json } ? Json : SecurityProfile[Property];
}>;

type FileProperty = { [Property in keyof Fields]: Fields[Property] extends { file: true } ? Property : never }[keyof Fields];

/** The file form of `gatehouse profiles pull/push` (camelCase, for version control); `name` may be left to the command line. */
export type SecurityProfileFile = Flat<Partial<Pick<SecurityProfile, 'name' & FileProperty>> & Pick<SecurityProfile, Exclude<FileProperty, 'name'>>>;

type Entry = readonly [property: keyof SecurityProfile, field: ProfileField<unknown>];
const ENTRIES = Object.entries(PROFILE_FIELDS) as Entry[];
/** Settings: the fields with a default, which a body or file gives apart from the name. */
const SETTINGS = ENTRIES.filter(([, field]) => field.initial !== undefined);
const API_FIELDS = ENTRIES.filter(([, field]) => field.parse !== undefined).map(([, field]) => field.api);
const API_READ_ONLY = ENTRIES.filter(([, field]) => field.parse === undefined).map(([, field]) => field.api);
const FILE_FIELDS = ENTRIES.filter(([, field]) => field.file).map(([property]) => property);

/**
 * Checks an admin API body. `partial` (PATCH) keeps absent fields; otherwise absent fields take their defaults.
 * Returns the settings that were given; `name` when the body has one.
 */
export function parseProfileBody(body: unknown, partial: boolean): { name?: string; settings: Partial<ProfileSettings> } {
  if (!isRecord(body)) throw new ProfileValidationError('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!API_FIELDS.includes(key) && !API_READ_ONLY.includes(key)) throw new ProfileValidationError(key, `unknown field; use ${API_FIELDS.join(', ')}`);
  }
  const settings: Record<string, unknown> = {};
  for (const [property, { api, parse }] of SETTINGS) if (parse && body[api] !== undefined) settings[property] = parse(body[api], api);
  if (!partial) for (const [property, { initial }] of SETTINGS) settings[property] ??= initial?.();
  // Each value comes from its field's parser or default, typed by the table against SecurityProfile.
  return { ...(body.name === undefined ? {} : { name: parseProfileName(body.name) }), settings };
}

/** Checks a profile file of `gatehouse profiles push` (camelCase keys; absent settings take their defaults). */
export function parseProfileFile(value: unknown): { name?: string; settings: ProfileSettings } {
  if (!isRecord(value)) throw new ProfileValidationError('file', 'must hold a JSON object');
  for (const key of Object.keys(value)) {
    if (!(FILE_FIELDS as string[]).includes(key)) throw new ProfileValidationError(key, `unknown key; use ${FILE_FIELDS.join(', ')}`);
  }
  const name = value.name === undefined ? {} : { name: parseProfileName(value.name) };
  const settings: Record<string, unknown> = {};
  for (const [property, { file, parse, initial }] of SETTINGS) {
    if (file) settings[property] = value[property] === undefined ? initial?.() : parse?.(value[property], property);
  }
  // As above: the table types each value; the file carries every setting but registrationEnabled.
  return { ...name, settings: settings as ProfileSettings };
}

export function toProfileJson(profile: SecurityProfile): SecurityProfileJson {
  const json: Record<string, unknown> = {};
  for (const [property, { api, toJson }] of ENTRIES) json[api] = toJson ? toJson(profile) : profile[property];
  return json as SecurityProfileJson;
}

export function toProfileFile(profile: SecurityProfile): SecurityProfileFile {
  const file: Record<string, unknown> = {};
  for (const [property, field] of ENTRIES) if (field.file) file[property] = profile[property];
  return file as SecurityProfileFile;
}

/** Every check name a profile refers to. */
export function checksNamedBy(settings: Pick<ProfileSettings, 'scopeElementMapping'>): string[] {
  return [...new Set(Object.values(settings.scopeElementMapping).flat())];
}
