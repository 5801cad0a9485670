import { PROFILE_NAME } from '../clients/client-metadata.js';
import { isScopeToken } from '../shared/scope.js';
import { ConflictError, FieldValidationError, NotFoundError } from '../shared/errors.js';

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

/** The admin API's JSON form. */
export interface SecurityProfileJson {
  name: string;
  max_token_expiration: number;
  scope_element_mapping: Record<string, string[]>;
  mandatory_scope: string[];
  registration_enabled: boolean;
  created_at: string;
  updated_at: string;
}

/** The file form of `gatehouse profiles pull/push` (camelCase, for version control). */
export interface SecurityProfileFile {
  name?: string;
  maxTokenExpiration: number;
  scopeElementMapping: Record<string, string[]>;
  mandatoryScope: string[];
}

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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

const API_FIELDS = ['name', 'max_token_expiration', 'scope_element_mapping', 'mandatory_scope', 'registration_enabled'];
const API_READ_ONLY = ['created_at', 'updated_at'];

/**
 * Checks an admin API body. `partial` (PATCH) keeps absent fields; otherwise absent fields take their defaults.
 * Returns the settings that were given; `name` when the body has one.
 */
export function parseProfileBody(body: unknown, partial: boolean): { name?: string; settings: Partial<ProfileSettings> } {
  if (!isRecord(body)) throw new ProfileValidationError('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!API_FIELDS.includes(key) && !API_READ_ONLY.includes(key)) throw new ProfileValidationError(key, `unknown field; use ${API_FIELDS.join(', ')}`);
  }
  const settings: Partial<ProfileSettings> = {};
  if (body.max_token_expiration !== undefined) settings.maxTokenExpiration = parseMaxTokenExpiration(body.max_token_expiration, 'max_token_expiration');
  if (body.scope_element_mapping !== undefined) settings.scopeElementMapping = parseMapping(body.scope_element_mapping, 'scope_element_mapping');
  if (body.mandatory_scope !== undefined) settings.mandatoryScope = parseMandatoryScope(body.mandatory_scope, 'mandatory_scope');
  if (body.registration_enabled !== undefined) {
    if (typeof body.registration_enabled !== 'boolean') throw new ProfileValidationError('registration_enabled', 'must be true or false');
    settings.registrationEnabled = body.registration_enabled;
  }
  if (!partial) {
    settings.registrationEnabled ??= false;
    settings.maxTokenExpiration ??= DEFAULT_MAX_TOKEN_EXPIRATION;
    settings.scopeElementMapping ??= {};
    settings.mandatoryScope ??= [];
  }
  return { ...(body.name === undefined ? {} : { name: parseProfileName(body.name) }), settings };
}

const FILE_FIELDS = ['name', 'maxTokenExpiration', 'scopeElementMapping', 'mandatoryScope'];

/** Checks a profile file of `gatehouse profiles push` (camelCase keys; absent settings take their defaults). */
export function parseProfileFile(value: unknown): { name?: string; settings: ProfileSettings } {
  if (!isRecord(value)) throw new ProfileValidationError('file', 'must hold a JSON object');
  for (const key of Object.keys(value)) {
    if (!FILE_FIELDS.includes(key)) throw new ProfileValidationError(key, `unknown key; use ${FILE_FIELDS.join(', ')}`);
  }
  return {
    ...(value.name === undefined ? {} : { name: parseProfileName(value.name) }),
    settings: {
      maxTokenExpiration: value.maxTokenExpiration === undefined ? DEFAULT_MAX_TOKEN_EXPIRATION : parseMaxTokenExpiration(value.maxTokenExpiration, 'maxTokenExpiration'),
      scopeElementMapping: value.scopeElementMapping === undefined ? {} : parseMapping(value.scopeElementMapping, 'scopeElementMapping'),
      mandatoryScope: value.mandatoryScope === undefined ? [] : parseMandatoryScope(value.mandatoryScope, 'mandatoryScope'),
    },
  };
}

export function toProfileJson(profile: SecurityProfile): SecurityProfileJson {
  return {
    name: profile.name,
    max_token_expiration: profile.maxTokenExpiration,
    scope_element_mapping: profile.scopeElementMapping,
    mandatory_scope: profile.mandatoryScope,
    registration_enabled: profile.registrationEnabled,
    created_at: new Date(profile.createdAt).toISOString(),
    updated_at: new Date(profile.updatedAt).toISOString(),
  };
}

export function toProfileFile(profile: SecurityProfile): SecurityProfileFile {
  return {
    name: profile.name,
    maxTokenExpiration: profile.maxTokenExpiration,
    scopeElementMapping: profile.scopeElementMapping,
    mandatoryScope: profile.mandatoryScope,
  };
}

/** Every check name a profile refers to. */
export function checksNamedBy(settings: Pick<ProfileSettings, 'scopeElementMapping'>): string[] {
  return [...new Set(Object.values(settings.scopeElementMapping).flat())];
}
