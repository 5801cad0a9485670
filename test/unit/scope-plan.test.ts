import { describe, expect, it } from 'vitest';
import { parseCidrList, networkMatcher } from '../../src/shared/networks.js';
import { defaultScopeOf, planScope, tokenLifetime } from '../../src/security/scope-plan.js';
import { defineSecurityCheck, success } from '../../src/security/security-check.js';
import { parseChallengeResponse } from '../../src/oauth/security-gate.js';
import { parseProfileBody, parseProfileFile, toProfileFile } from '../../src/security/security-profile.js';

const checks = new Set(['PinCode', 'UserLogin', 'AllowedNetwork']);

describe('scope planning', () => {
  it("gives a request without a scope the client's default scope, else its profile's, else every allowed element", () => {
    const allowed = ['read', 'write'];
    expect(defaultScopeOf(null, undefined, allowed)).toEqual(allowed);
    expect(defaultScopeOf(null, { defaultScope: null }, allowed)).toEqual(allowed);
    expect(defaultScopeOf(null, { defaultScope: ['read'] }, allowed)).toEqual(['read']);
    expect(defaultScopeOf(null, { defaultScope: [] }, allowed)).toEqual([]);
    expect(defaultScopeOf(['write'], { defaultScope: ['read'] }, allowed)).toEqual(['write']);
    // An empty client default wins over the profile's too: no scope at all.
    expect(defaultScopeOf([], { defaultScope: ['read'] }, allowed)).toEqual([]);
  });

  it('maps an element to the check of the same name by default', () => {
    const plan = planScope({ requested: ['PinCode', 'read'], allowed: ['read', 'PinCode'], profile: undefined, checkNames: checks });
    expect(plan).toEqual({ tokenScope: ['PinCode', 'read'], checks: ['PinCode'], refused: [] });
  });

  it('refuses an element named after a check unless the client may have it (allowed scopes or profile mapping)', () => {
    expect(planScope({ requested: ['UserLogin', 'read'], allowed: ['read'], profile: undefined, checkNames: checks })).toEqual({ tokenScope: ['read'], checks: [], refused: ['UserLogin'] });
    const profile = { scopeElementMapping: { other: ['PinCode'] }, mandatoryScope: [] };
    expect(planScope({ requested: ['UserLogin'], allowed: [], profile, checkNames: checks }).refused).toEqual(['UserLogin']);
    const mapping = { scopeElementMapping: { UserLogin: ['UserLogin'] }, mandatoryScope: [] };
    expect(planScope({ requested: ['UserLogin'], allowed: [], profile: mapping, checkNames: checks })).toEqual({ tokenScope: ['UserLogin'], checks: ['UserLogin'], refused: [] });
  });

  it('lets a profile mapping override the same-named check, and map to zero checks', () => {
    const profile = { scopeElementMapping: { PinCode: [], payments: ['UserLogin', 'PinCode'] }, mandatoryScope: [] };
    const plan = planScope({ requested: ['PinCode', 'payments'], allowed: [], profile, checkNames: checks });
    expect(plan.checks).toEqual(['UserLogin', 'PinCode']);
    expect(plan.tokenScope).toEqual(['PinCode', 'payments']);
    const none = planScope({ requested: ['PinCode'], allowed: [], profile, checkNames: checks });
    expect(none).toEqual({ tokenScope: ['PinCode'], checks: [], refused: [] });
  });

  it('grants an element without check or mapping only when the client may have it', () => {
    const plan = planScope({ requested: ['read', 'admin'], allowed: ['read'], profile: undefined, checkNames: checks });
    expect(plan.refused).toEqual(['admin']);
    expect(plan.tokenScope).toEqual(['read']);
  });

  it('runs the mandatory scope checks without writing the mandatory elements into the token', () => {
    const profile = { scopeElementMapping: { device: ['AllowedNetwork'] }, mandatoryScope: ['device', 'UserLogin', 'unmapped'] };
    const plan = planScope({ requested: ['read'], allowed: ['read'], profile, checkNames: checks });
    expect(plan.tokenScope).toEqual(['read']);
    expect(plan.checks).toEqual(['AllowedNetwork', 'UserLogin']);
    expect(plan.refused).toEqual([]);
  });

  it('takes each check once', () => {
    const profile = { scopeElementMapping: { a: ['PinCode'], b: ['PinCode'] }, mandatoryScope: ['PinCode'] };
    expect(planScope({ requested: ['a', 'b'], allowed: [], profile, checkNames: checks }).checks).toEqual(['PinCode']);
  });
});

describe('token lifetime', () => {
  it('is the smallest of client, profile and check lifetimes', () => {
    expect(tokenLifetime({ clientLifetime: 7200, profile: undefined, checkLifetimes: [] })).toBe(7200);
    expect(tokenLifetime({ clientLifetime: 7200, profile: { maxTokenExpiration: 3600 }, checkLifetimes: [] })).toBe(3600);
    expect(tokenLifetime({ clientLifetime: 7200, profile: { maxTokenExpiration: 3600 }, checkLifetimes: [900, 1800] })).toBe(900);
    expect(tokenLifetime({ clientLifetime: 60, profile: { maxTokenExpiration: 3600 }, checkLifetimes: [900] })).toBe(60);
  });
});

describe('challenge_response', () => {
  it('is a JSON object; anything else is invalid_request', () => {
    expect(parseChallengeResponse(undefined)).toEqual({});
    expect(parseChallengeResponse('{"PinCode":"1234"}')).toEqual({ PinCode: '1234' });
    for (const bad of ['not json', '[1]', '"x"', 'null']) {
      expect(() => parseChallengeResponse(bad)).toThrow(/challenge_response must be a JSON object/);
    }
  });
});

describe('security profile input', () => {
  it('takes defaults and refuses bad fields by name', () => {
    expect(parseProfileBody({ name: 'mobile' }, false)).toEqual({
      name: 'mobile',
      settings: { maxTokenExpiration: 3600, scopeElementMapping: {}, mandatoryScope: [], defaultScope: null, registrationEnabled: false },
    });
    expect(() => parseProfileBody({ max_token_expiration: 0 }, false)).toThrow(/max_token_expiration/);
    expect(() => parseProfileBody({ scope_element_mapping: { a: 5 } }, false)).toThrow(/scope_element_mapping/);
    expect(() => parseProfileBody({ mandatory_scope: ['bad"element'] }, false)).toThrow(/mandatory_scope/);
    expect(() => parseProfileBody({ colour: 'red' }, false)).toThrow(/colour/);
    expect(parseProfileBody({ mandatory_scope: ['x'] }, true)).toEqual({ settings: { mandatoryScope: ['x'] } });
  });

  it('reads the camelCase file form and writes the admin API names', () => {
    const file = { name: 'mobile', maxTokenExpiration: 600, scopeElementMapping: { pay: ['PinCode'] }, mandatoryScope: ['AllowedNetwork'], defaultScope: 'pay' };
    const parsed = parseProfileFile(file);
    expect(toProfileFile({ name: 'mobile', ...parsed.settings, registrationEnabled: true, createdAt: 0, updatedAt: 0 })).toEqual({
      name: 'mobile',
      max_token_expiration: 600,
      scope_element_mapping: { pay: ['PinCode'] },
      mandatory_scope: ['AllowedNetwork'],
      default_scope: 'pay',
    });
    expect(() => parseProfileFile({ max_token_expiration: 600, maxTokenExpiration: 600 })).toThrow(/maxTokenExpiration: given twice/);
  });
});

describe('networks', () => {
  it('parses CIDR lists and matches addresses, IPv4-mapped included', () => {
    const ranges = parseCidrList('10.0.0.0/8, 192.168.1.7 ,2001:db8::/32');
    expect(ranges).toEqual(['10.0.0.0/8', '192.168.1.7/32', '2001:db8::/32']);
    const inRange = networkMatcher(ranges);
    expect(inRange('10.2.3.4')).toBe(true);
    expect(inRange('::ffff:10.2.3.4')).toBe(true);
    expect(inRange('192.168.1.8')).toBe(false);
    expect(inRange('2001:db8::1')).toBe(true);
    expect(inRange('not an address')).toBe(false);
    expect(() => parseCidrList('10.0.0.0/33')).toThrow(/10.0.0.0\/33/);
    expect(() => parseCidrList('example.com')).toThrow(/example.com/);
  });
});

describe('defineSecurityCheck', () => {
  it('refuses bad names, lifetimes and missing evaluate', () => {
    expect(defineSecurityCheck({ name: 'Ok', successLifetime: 60, evaluate: () => success() }).name).toBe('Ok');
    expect(() => defineSecurityCheck({ name: 'bad name', successLifetime: 60, evaluate: () => success() })).toThrow(/name/);
    expect(() => defineSecurityCheck({ name: 'X', successLifetime: 0, evaluate: () => success() })).toThrow(/successLifetime/);
    expect(() => defineSecurityCheck({ name: 'X', successLifetime: 1 } as never)).toThrow(/evaluate/);
  });
});
