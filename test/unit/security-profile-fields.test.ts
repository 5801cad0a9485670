import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  parseProfileBody,
  parseProfileFile,
  ProfileValidationError,
  PROFILE_FIELDS,
  toProfileFile,
  toProfileJson,
  type SecurityProfile,
  type SecurityProfileFile,
  type SecurityProfileJson,
} from '../../src/security/security-profile.js';

const profile: SecurityProfile = {
  name: 'orders',
  maxTokenExpiration: 600,
  scopeElementMapping: { 'orders:write': ['PinCode'] },
  mandatoryScope: ['device'],
  defaultScope: ['orders:read'],
  registrationEnabled: true,
  createdAt: Date.UTC(2026, 0, 1),
  updatedAt: Date.UTC(2026, 0, 2),
};

describe('the security profile field table', () => {
  it('shows every field in the JSON form and the file form, in order', () => {
    expect(toProfileJson(profile)).toStrictEqual({
      name: 'orders',
      max_token_expiration: 600,
      scope_element_mapping: { 'orders:write': ['PinCode'] },
      mandatory_scope: ['device'],
      default_scope: 'orders:read',
      registration_enabled: true,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-02T00:00:00.000Z',
    });
    expect(Object.keys(toProfileJson(profile))).toEqual(Object.values(PROFILE_FIELDS).map((field) => field.api));
    expect(Object.keys(toProfileFile(profile))).toEqual(['name', 'max_token_expiration', 'scope_element_mapping', 'mandatory_scope', 'default_scope']);
  });

  it('reads back what it shows, and gives left-out settings their defaults', () => {
    expect(parseProfileBody(toProfileJson(profile), false)).toEqual({
      name: 'orders',
      settings: { maxTokenExpiration: 600, scopeElementMapping: { 'orders:write': ['PinCode'] }, mandatoryScope: ['device'], defaultScope: ['orders:read'], registrationEnabled: true },
    });
    expect(parseProfileFile(toProfileFile(profile))).toEqual({
      name: 'orders',
      settings: { maxTokenExpiration: 600, scopeElementMapping: { 'orders:write': ['PinCode'] }, mandatoryScope: ['device'], defaultScope: ['orders:read'] },
      keys: { maxTokenExpiration: 'max_token_expiration', scopeElementMapping: 'scope_element_mapping', mandatoryScope: 'mandatory_scope', defaultScope: 'default_scope' },
    });
    expect(parseProfileBody({}, false).settings).toEqual({ maxTokenExpiration: 3600, scopeElementMapping: {}, mandatoryScope: [], defaultScope: null, registrationEnabled: false });
    expect(parseProfileBody({}, true).settings).toEqual({});
    expect(parseProfileFile({}).settings).toEqual({ maxTokenExpiration: 3600, scopeElementMapping: {}, mandatoryScope: [], defaultScope: null });
  });

  it("parses a default scope: the framework's defaultScope or default_scope, a list or a string; '' for none, null for not set", () => {
    expect(parseProfileFile({ defaultScope: 'read  write' }).settings.defaultScope).toEqual(['read', 'write']);
    expect(parseProfileFile({ default_scope: ['read', 'read'] }).settings.defaultScope).toEqual(['read']);
    expect(parseProfileBody({ default_scope: '' }, true).settings).toEqual({ defaultScope: [] });
    expect(parseProfileBody({ default_scope: null }, true).settings).toEqual({ defaultScope: null });
    expect(toProfileJson({ ...profile, defaultScope: [] }).default_scope).toBe('');
    expect(toProfileJson({ ...profile, defaultScope: null }).default_scope).toBeNull();
    expect(() => parseProfileBody({ default_scope: 7 }, true)).toThrow(ProfileValidationError);
    expect(() => parseProfileFile({ defaultScope: 'bad"element' })).toThrow(new ProfileValidationError('defaultScope', `'bad"element' is not a valid scope element (RFC 6749 §3.3)`));
    expect(() => parseProfileFile({ defaultScop: 'read' })).toThrow(new ProfileValidationError('defaultScop', "unknown key 'defaultScop'; did you mean 'defaultScope'?"));
  });

  it('names the field of the form it was given, and lists the known ones', () => {
    expect(() => parseProfileBody({ max_token_expiration: 0 }, true)).toThrow(new ProfileValidationError('max_token_expiration', 'must be an integer from 1 to 99999999 (seconds)'));
    expect(() => parseProfileFile({ maxTokenExpiration: 0 })).toThrow(new ProfileValidationError('maxTokenExpiration', 'must be an integer from 1 to 99999999 (seconds)'));
    expect(() => parseProfileBody({ registration_enabled: 'yes' }, true)).toThrow(new ProfileValidationError('registration_enabled', 'must be true or false'));
    expect(() => parseProfileBody({ nope: 1 }, true)).toThrow(
      new ProfileValidationError('nope', "unknown key 'nope'; use name, max_token_expiration, scope_element_mapping, mandatory_scope, default_scope, registration_enabled"),
    );
    expect(() => parseProfileFile({ registrationEnabled: true })).toThrow(
      new ProfileValidationError('registrationEnabled', 'is not kept in profile files; use name, max_token_expiration, scope_element_mapping, mandatory_scope, default_scope'),
    );
  });

  it('derives the JSON and file types from the table', () => {
    expectTypeOf<SecurityProfileJson>().toEqualTypeOf<{
      name: string;
      max_token_expiration: number;
      scope_element_mapping: Record<string, string[]>;
      mandatory_scope: string[];
      default_scope: string | null;
      registration_enabled: boolean;
      created_at: string;
      updated_at: string;
    }>();
    expectTypeOf<SecurityProfileFile>().toEqualTypeOf<{
      name?: string;
      max_token_expiration: number;
      scope_element_mapping: Record<string, string[]>;
      mandatory_scope: string[];
      default_scope: string | null;
    }>();
  });
});
