import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { passThroughPrefixes } from '../../src/config/setting-parsers.js';
import { LaunchTokenSeal } from '../../src/keys/launch-token-seal.js';
import { deriveKeys } from '../../src/keys/master-secret.js';
import { isPassThroughName } from '../../src/sign-in/app-token-launch.js';

describe('sealing the token of a launch link', () => {
  const key = deriveKeys(randomBytes(32)).launchTokenKey;
  const seal = new LaunchTokenSeal(key);
  const id = randomBytes(32).toString('base64url');

  it('opens with the same link id and context only', () => {
    const sealed = seal.seal('the.access.token', id, 'digest-of-id');
    expect(sealed).not.toContain('the.access.token');
    expect(seal.open(sealed, id, 'digest-of-id')).toBe('the.access.token');
    expect(seal.open(sealed, randomBytes(32).toString('base64url'), 'digest-of-id')).toBeUndefined();
    expect(seal.open(sealed, id, 'another-digest')).toBeUndefined();
    expect(new LaunchTokenSeal(deriveKeys(randomBytes(32)).launchTokenKey).open(sealed, id, 'digest-of-id')).toBeUndefined();
    expect(seal.open('v1.broken', id, 'digest-of-id')).toBeUndefined();
  });

  it('seals the same token differently each time', () => {
    expect(seal.seal('token', id, 'c')).not.toBe(seal.seal('token', id, 'c'));
  });
});

describe('launch link settings', () => {
  it('passes through names with a configured prefix, case-sensitively', () => {
    expect(isPassThroughName('VS_REGION', ['VS_', 'VN_'])).toBe(true);
    expect(isPassThroughName('VN_', ['VS_', 'VN_'])).toBe(true);
    expect(isPassThroughName('vs_region', ['VS_', 'VN_'])).toBe(false);
    expect(isPassThroughName('access_token', ['VS_', 'VN_'])).toBe(false);
    expect(isPassThroughName('VS_REGION', [])).toBe(false);
    // The request's own parameters never pass, even under a careless prefix.
    for (const name of ['client_secret', 'client_id', 'access_token', 'target']) expect(isPassThroughName(name, ['c', 'a', 't'])).toBe(false);
    expect(isPassThroughName('campaign', ['c'])).toBe(true);
  });

  it('reads the prefixes and lifetime, with defaults VS_,VN_ and 60 s', () => {
    const defaults = loadConfig({ env: {} });
    expect(defaults.launchPassThroughPrefixes).toEqual(['VS_', 'VN_']);
    expect(defaults.launchLifetime).toBe(60);
    expect(loadConfig({ env: { GATEHOUSE_LAUNCH_PASS_THROUGH_PREFIXES: ' P_ , Q-, P_ ' } }).launchPassThroughPrefixes).toEqual(['P_', 'Q-']);
    // An empty variable is unset (the default); the config file's [] passes nothing through.
    expect(passThroughPrefixes([])).toEqual([]);
    expect(passThroughPrefixes('')).toEqual([]);
    expect(() => loadConfig({ env: { GATEHOUSE_LAUNCH_PASS_THROUGH_PREFIXES: 'VS_,has space' } })).toThrow(/GATEHOUSE_LAUNCH_PASS_THROUGH_PREFIXES/);
    expect(() => loadConfig({ env: { GATEHOUSE_LAUNCH_LIFETIME: '3600' } })).toThrow(/GATEHOUSE_LAUNCH_LIFETIME/);
  });
});
