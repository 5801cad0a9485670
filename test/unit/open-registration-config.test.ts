import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

describe('open registration settings', () => {
  it('is off by default, limited per address per hour', () => {
    expect(loadConfig({ env: {} })).toMatchObject({ openRegistration: false, openRegistrationProfile: undefined, openRegistrationRateLimitPerAddress: 10, openRegistrationRateLimitWindow: 3600 });
  });

  it('reads the switch, the profile and the limit', () => {
    const config = loadConfig({
      env: {
        GATEHOUSE_OPEN_REGISTRATION: 'true',
        GATEHOUSE_OPEN_REGISTRATION_PROFILE: 'mcp',
        GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_PER_ADDRESS: '3',
        GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_WINDOW: '600',
      },
    });
    expect(config).toMatchObject({ openRegistration: true, openRegistrationProfile: 'mcp', openRegistrationRateLimitPerAddress: 3, openRegistrationRateLimitWindow: 600 });
  });

  it('needs a profile when open registration is on, and refuses bad values', () => {
    expect(() => loadConfig({ env: { GATEHOUSE_OPEN_REGISTRATION: 'true' } })).toThrow(/^GATEHOUSE_OPEN_REGISTRATION_PROFILE: must name a security profile/);
    expect(() => loadConfig({ env: {}, overrides: { openRegistration: true } })).toThrow(/GATEHOUSE_OPEN_REGISTRATION_PROFILE/);
    expect(() => loadConfig({ env: { GATEHOUSE_OPEN_REGISTRATION: 'yes' } })).toThrow(/^GATEHOUSE_OPEN_REGISTRATION: must be true or false/);
    expect(() => loadConfig({ env: { GATEHOUSE_OPEN_REGISTRATION_PROFILE: '../x' } })).toThrow(/^GATEHOUSE_OPEN_REGISTRATION_PROFILE: must be a profile name/);
    expect(() => loadConfig({ env: { GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_WINDOW: '0' } })).toThrow(/^GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_WINDOW: /);
  });
});
