import { describe, expect, it } from 'vitest';
import { parseProfileBody, parseProfileFile, ProfileValidationError, toProfileBody } from '../../src/security/security-profile.js';
import { closestMatch, editDistance } from '../../src/shared/edit-distance.js';

describe('edit distance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('scopeElementMaping', 'scopeElementMapping')).toBe(1);
  });

  it('suggests only a close candidate, the closest first', () => {
    expect(closestMatch('scopeElementMaping', ['scope_element_mapping', 'scopeElementMapping'])).toBe('scopeElementMapping');
    expect(closestMatch('mandatory_scopes', ['mandatory_scope', 'mandatoryScope'])).toBe('mandatory_scope');
    expect(closestMatch('colour', ['name', 'mandatory_scope'])).toBeUndefined();
  });
});

describe('profile files in the security framework shape', () => {
  it('takes camelCase keys, mappings as strings or arrays, and mandatoryScope as a string', () => {
    const parsed = parseProfileFile({
      name: 'mobile',
      maxTokenExpiration: 900,
      scopeElementMapping: { accounts: 'UserLogin', payments: ['UserLogin', 'PinCode'], transfers: 'UserLogin  PinCode', public: '' },
      mandatoryScope: 'AllowedNetwork DeviceCheck',
      defaultScope: 'accounts',
    });
    expect(parsed).toEqual({
      name: 'mobile',
      settings: {
        maxTokenExpiration: 900,
        scopeElementMapping: { accounts: ['UserLogin'], payments: ['UserLogin', 'PinCode'], transfers: ['UserLogin', 'PinCode'], public: [] },
        mandatoryScope: ['AllowedNetwork', 'DeviceCheck'],
        defaultScope: ['accounts'],
      },
      keys: { maxTokenExpiration: 'maxTokenExpiration', scopeElementMapping: 'scopeElementMapping', mandatoryScope: 'mandatoryScope', defaultScope: 'defaultScope' },
    });
  });

  it('takes the snake_case shape of the admin API the same way', () => {
    const camel = parseProfileFile({ maxTokenExpiration: 60, scopeElementMapping: { a: 'X' }, mandatoryScope: ['m'] });
    const snake = parseProfileFile({ max_token_expiration: 60, scope_element_mapping: { a: ['X'] }, mandatory_scope: 'm' });
    expect(snake.settings).toEqual(camel.settings);
    expect(toProfileBody(snake.settings)).toEqual({ max_token_expiration: 60, scope_element_mapping: { a: ['X'] }, mandatory_scope: ['m'], default_scope: null });
  });

  it('takes both shapes in admin API bodies', () => {
    expect(parseProfileBody({ name: 'web', maxTokenExpiration: 120, scopeElementMapping: { pay: 'PinCode' }, registrationEnabled: true }, true)).toEqual({
      name: 'web',
      settings: { maxTokenExpiration: 120, scopeElementMapping: { pay: ['PinCode'] }, registrationEnabled: true },
    });
  });

  it('names an unknown key with the closest known key', () => {
    expect(() => parseProfileFile({ scopeElementMaping: { a: 'X' } })).toThrow(
      new ProfileValidationError('scopeElementMaping', "unknown key 'scopeElementMaping'; did you mean 'scopeElementMapping'?"),
    );
    expect(() => parseProfileFile({ max_token_expiraton: 1 })).toThrow(new ProfileValidationError('max_token_expiraton', "unknown key 'max_token_expiraton'; did you mean 'max_token_expiration'?"));
    expect(() => parseProfileBody({ mandatoryScopes: 'a' }, true)).toThrow(new ProfileValidationError('mandatoryScopes', "unknown key 'mandatoryScopes'; did you mean 'mandatoryScope'?"));
    expect(() => parseProfileFile({ colour: 'red' })).toThrow(
      new ProfileValidationError('colour', "unknown key 'colour'; use name, max_token_expiration, scope_element_mapping, mandatory_scope, default_scope"),
    );
  });

  it('refuses a setting given under both keys, and bad values by the key they came under', () => {
    expect(() => parseProfileFile({ mandatory_scope: [], mandatoryScope: 'a' })).toThrow(new ProfileValidationError('mandatoryScope', "given twice, as 'mandatory_scope' and 'mandatoryScope'"));
    expect(() => parseProfileFile({ scopeElementMapping: { a: 7 } })).toThrow(/^scopeElementMapping: a: must be a list of check names or a space-separated string/);
    expect(() => parseProfileFile({ scopeElementMapping: { a: 'Bad!Check' } })).toThrow(/^scopeElementMapping: a: 'Bad!Check' is not a check name/);
    expect(() => parseProfileFile({ maxTokenExpiration: '3600' })).toThrow(/^maxTokenExpiration: must be an integer/);
  });
});
