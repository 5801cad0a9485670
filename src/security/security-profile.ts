import { PROFILE_NAME } from '../clients/client-values.js';
import { isScopeToken } from '../shared/scope.js';
import { checkFields, ConflictError, FieldValidationError, NotFoundError } from '../shared/errors.js';
import { closestMatch } from '../shared/edit-distance.js';
import { isRecord } from '../shared/is-record.js';

/*
 * No Node.js imports here or below: the web console checks its profile editor with parseProfileBody (through
 * src/admin-api/wire.ts); the registry (profile-registry.ts) adds the checks that need the store.
 */

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
  /**
   * What a token request without a scope gets when the client has no default scope of its own: null, not set
   * (every allowed element); [] no scope at all.
   */
  defaultScope: string[] | null;
  /** App instances may register themselves under this profile (RFC 7591) with one of its initial access tokens. */
  registrationEnabled: boolean;
  /** Checks whose `register` hook runs at RFC 7591 registration under this profile, in order; any refusal refuses it. */
  registrationChecks: string[];
  createdAt: number;
  updatedAt: number;
}

/** The settings a profile file carries (what `gatehouse profiles pull/push` keep in version control). */
export type ProfileSettings = Pick<SecurityProfile, 'maxTokenExpiration' | 'scopeElementMapping' | 'mandatoryScope' | 'defaultScope' | 'registrationChecks'> & {
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

/** A list of names as an array or, as the security framework writes it, one space-separated string. */
function namesOf(value: unknown): unknown {
  return typeof value === 'string' ? value.split(' ').filter((item) => item !== '') : value;
}

function parseMapping(value: unknown, field: string): Record<string, string[]> {
  if (!isRecord(value)) throw new ProfileValidationError(field, 'must be an object mapping scope elements to check names (a list, or a space-separated string)');
  const mapping: Record<string, string[]> = {};
  for (const [element, given] of Object.entries(value)) {
    if (!isScopeToken(element)) throw new ProfileValidationError(field, `'${element}' is not a valid scope element (RFC 6749 §3.3)`);
    const checks = namesOf(given);
    if (!Array.isArray(checks)) throw new ProfileValidationError(field, `${element}: must be a list of check names or a space-separated string ([] or '' for no check)`);
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
  const items = namesOf(value);
  if (!Array.isArray(items)) throw new ProfileValidationError(field, 'must be a list of scope elements or a space-separated string');
  const elements = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' || !isScopeToken(item)) throw new ProfileValidationError(field, `'${String(item)}' is not a valid scope element (RFC 6749 §3.3)`);
    elements.add(item);
  }
  return [...elements];
}

/** A default scope: null (not set), or a list / space-separated string of elements (empty: no scope). */
function parseDefaultScope(value: unknown, field: string): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) && typeof value !== 'string') {
    throw new ProfileValidationError(field, "must be a list of scope elements or a space-separated string ('' for no scope), or null for not set");
  }
  return parseMandatoryScope(value, field);
}

function parseCheckNames(value: unknown, field: string): string[] {
  const items = namesOf(value);
  if (!Array.isArray(items)) throw new ProfileValidationError(field, 'must be a list of check names or a space-separated string');
  const names = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' || !CHECK_NAME.test(item)) throw new ProfileValidationError(field, `'${String(item)}' is not a check name`);
    names.add(item);
  }
  return [...names];
}

function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ProfileValidationError(field, 'must be true or false');
  return value;
}

/**
 * One field of a security profile, keyed by its SecurityProfile property:
 * - `api`: its name in the admin API's JSON, and in profile files (`profiles pull/push`);
 *   bodies and files may also use the property's own name (camelCase, the security framework's shape);
 * - `file`: profile files carry it;
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
  defaultScope: {
    api: 'default_scope',
    file: true,
    parse: parseDefaultScope,
    initial: () => null,
    // As a client's default_scope: space-separated, '' for no scope, null for not set.
    toJson: (profile): string | null => (profile.defaultScope === null ? null : profile.defaultScope.join(' ')),
  },
  registrationEnabled: { api: 'registration_enabled', parse: parseBoolean, initial: () => false },
  registrationChecks: { api: 'registration_checks', file: true, parse: parseCheckNames, initial: () => [] },
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
type FileKey = Fields[FileProperty]['api'];

/** The file form `gatehouse profiles pull` prints (the admin API's names, for version control); `name` may be left to the command line. */
export type SecurityProfileFile = Flat<Partial<Pick<SecurityProfileJson, 'name' & FileKey>> & Pick<SecurityProfileJson, Exclude<FileKey, 'name'>>>;

type Entry = readonly [property: keyof SecurityProfile, field: ProfileField<unknown>];
const ENTRIES = Object.entries(PROFILE_FIELDS) as Entry[];
/** Settings: the fields with a default, which a body or file gives apart from the name. */
const SETTINGS = ENTRIES.filter(([, field]) => field.initial !== undefined);
const FILE_ENTRIES = ENTRIES.filter(([, field]) => field.file);

/** The keys that may name a property: the admin API's name, then the security framework's camelCase one (the property's name). */
function keysOf([property, field]: Entry): string[] {
  return field.api === property ? [property] : [field.api, property];
}

interface GivenField {
  /** The key it was given under (errors name it). */
  key: string;
  value: unknown;
}

/** Checks for checkFields(), by a name of their own: each throws a ProfileValidationError naming its field. */
type Checks = Record<string, () => unknown>;

/**
 * What a body or file gives, by property, under either key of each; a key that is not among `accepted` (naming
 * the closest known key when there is one) and a property given under both of its keys become `refused`: checks
 * that throw, run with the value checks so that one request reports every problem at once.
 */
function givenFields(value: Record<string, unknown>, accepted: readonly Entry[], settable: readonly Entry[], where: string): { given: Map<keyof SecurityProfile, GivenField>; refused: Checks } {
  const given = new Map<keyof SecurityProfile, GivenField>();
  const refused: Checks = {};
  const refuse = (key: string, reason: string) => {
    refused[`key ${key}`] = () => {
      throw new ProfileValidationError(key, reason);
    };
  };
  for (const [key, item] of Object.entries(value)) {
    const entry = accepted.find((candidate) => keysOf(candidate).includes(key));
    if (entry === undefined) {
      const known = settable.map(([, field]) => field.api).join(', ');
      if (ENTRIES.some((candidate) => keysOf(candidate).includes(key))) refuse(key, `is not kept in ${where}; use ${known}`);
      else {
        const closest = closestMatch(key, accepted.flatMap(keysOf));
        refuse(key, closest === undefined ? `unknown key '${key}'; use ${known}` : `unknown key '${key}'; did you mean '${closest}'?`);
      }
      continue;
    }
    const earlier = given.get(entry[0]);
    if (earlier !== undefined) refuse(key, `given twice, as '${earlier.key}' and '${key}'`);
    else given.set(entry[0], { key, value: item });
  }
  return { given, refused };
}

/**
 * Checks a profile's settings further than their shape can: the registry's (src/security/profile-registry.ts)
 * that mappings and registration checks name security checks that exist. Each throws a ProfileValidationError
 * naming `field`.
 */
export interface ProfileReferenceChecks {
  scopeElementMapping?: (mapping: Record<string, string[]>, field: string) => void;
  registrationChecks?: (names: readonly string[], field: string) => void;
}

/** A check per given setting, by property: it parses the value (naming the key it was given under) and answers it. */
function settingChecks(given: Map<keyof SecurityProfile, GivenField>, settings: readonly Entry[], references: ProfileReferenceChecks): Checks {
  const checks: Checks = {};
  for (const [property, { parse }] of settings) {
    const item = given.get(property);
    if (!parse || item === undefined || item.value === undefined) continue;
    checks[property] = () => {
      const value = parse(item.value, item.key);
      const refine = references[property as keyof ProfileReferenceChecks] as ((value: unknown, field: string) => void) | undefined;
      refine?.(value, item.key);
      return value;
    };
  }
  return checks;
}

/** The given settings' values and the key each was given under, from checkFields()'s results. */
function settingsOf(results: Record<string, unknown>, given: Map<keyof SecurityProfile, GivenField>, settings: readonly Entry[]): { values: Record<string, unknown>; keys: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const keys: Record<string, string> = {};
  for (const [property] of settings) {
    if (!(property in results)) continue;
    values[property] = results[property];
    keys[property] = given.get(property)!.key;
  }
  return { values, keys };
}

/** The check of the name a body or file gives, then of `nameRule` (required, or as in the path). */
function nameCheck(given: Map<keyof SecurityProfile, GivenField>, nameRule?: (name: string | undefined) => void): () => string | undefined {
  return () => {
    const item = given.get('name');
    const name = item?.value === undefined ? undefined : parseProfileName(item.value, item.key);
    nameRule?.(name);
    return name;
  };
}

/** How an admin API body is checked beyond its fields' own rules. */
export interface ProfileBodyRules {
  /** Checks the body's name (undefined when it has none), throwing a ProfileValidationError for `name`. */
  name?: (name: string | undefined) => void;
  /** The registry's checks that named security checks exist. */
  references?: ProfileReferenceChecks;
}

/**
 * Checks an admin API body (snake_case keys, or the security framework's camelCase ones). `partial` (PATCH) keeps
 * absent fields; otherwise absent fields take their defaults. Returns the settings that were given; `name` when the
 * body has one. Every invalid field is reported at once (an InvalidFieldsError when there are several).
 */
export function parseProfileBody(body: unknown, partial: boolean, rules: ProfileBodyRules = {}): { name?: string; settings: Partial<ProfileSettings> } {
  if (!isRecord(body)) throw new ProfileValidationError('body', 'must be a JSON object');
  const { given, refused } = givenFields(
    body,
    ENTRIES,
    ENTRIES.filter(([, field]) => field.parse !== undefined),
    'the admin API',
  );
  const results = checkFields({ ...refused, name: nameCheck(given, rules.name), ...settingChecks(given, SETTINGS, rules.references ?? {}) });
  const settings = settingsOf(results, given, SETTINGS).values;
  if (!partial) for (const [property, { initial }] of SETTINGS) settings[property] ??= initial?.();
  // Each value comes from its field's parser or default, typed by the table against SecurityProfile.
  const name = results.name;
  return { ...(name === undefined ? {} : { name }), settings };
}

/**
 * Checks a profile file of `gatehouse profiles push`: the admin API's keys or the security framework's camelCase
 * ones (mappings and mandatory scope as lists or space-separated strings); absent settings take their defaults.
 * `keys` names the key each given setting was under, for errors found later (unknown checks). Every invalid
 * field is reported at once.
 */
export function parseProfileFile(value: unknown): { name?: string; settings: ProfileSettings; keys: Partial<Record<keyof ProfileSettings, string>> } {
  if (!isRecord(value)) throw new ProfileValidationError('file', 'must hold a JSON object');
  const { given, refused } = givenFields(value, FILE_ENTRIES, FILE_ENTRIES, 'profile files');
  const fileSettings = SETTINGS.filter(([, field]) => field.file);
  const results = checkFields({ ...refused, name: nameCheck(given), ...settingChecks(given, fileSettings, {}) });
  const { values, keys } = settingsOf(results, given, fileSettings);
  for (const [property, { initial }] of fileSettings) values[property] ??= initial?.();
  // As above: the table types each value; the file carries every setting but registrationEnabled.
  const name = results.name;
  return { ...(name === undefined ? {} : { name }), settings: values as ProfileSettings, keys };
}

export function toProfileJson(profile: SecurityProfile): SecurityProfileJson {
  const json: Record<string, unknown> = {};
  for (const [property, { api, toJson }] of ENTRIES) json[api] = toJson ? toJson(profile) : profile[property];
  return json as SecurityProfileJson;
}

/** The file form of a profile's admin API JSON: its file fields, under the same names. */
export function profileFileOf(json: SecurityProfileJson): SecurityProfileFile {
  const file: Record<string, unknown> = {};
  for (const [, field] of FILE_ENTRIES) file[field.api] = json[field.api as keyof SecurityProfileJson];
  return file as SecurityProfileFile;
}

export function toProfileFile(profile: SecurityProfile): SecurityProfileFile {
  return profileFileOf(toProfileJson(profile));
}

/** The admin API body that sets what a profile file gives (`gatehouse profiles push --server`). */
export function toProfileBody(settings: ProfileSettings): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [property, field] of SETTINGS) {
    const value = settings[property as keyof ProfileSettings];
    if (value !== undefined) body[field.api] = value;
  }
  return body;
}

/** Every check name a profile refers to. */
export function checksNamedBy(settings: Pick<ProfileSettings, 'scopeElementMapping'>): string[] {
  return [...new Set(Object.values(settings.scopeElementMapping).flat())];
}
