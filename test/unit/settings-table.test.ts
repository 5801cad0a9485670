import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { GatehouseConfig, LogLevel } from '../../src/config/config.js';
import { DerivedDefault, SETTINGS, SETTING_TABLE } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { SigningAlg } from '../../src/shared/signing-algs.js';

/**
 * One valid value per environment variable, unlike its default: [raw text, value the config must hold].
 * Keyed by the variable, so renaming or dropping one fails here (the variables are part of the contract).
 */
const SAMPLES: Record<string, [string, unknown]> = {
  PORT: ['9001', 9001],
  HOST: ['0.0.0.0', '0.0.0.0'],
  GATEHOUSE_ISSUER: ['https://id.example.com/', 'https://id.example.com'],
  GATEHOUSE_DATA_DIR: ['/var/lib/gatehouse-test', '/var/lib/gatehouse-test'],
  DATABASE_URL: ['postgres://u@db/g', 'postgres://u@db/g'],
  GATEHOUSE_ADMIN_TOKEN: ['a'.repeat(20), 'a'.repeat(20)],
  GATEHOUSE_ADMIN_PASSWORD: ['correct horse battery', 'correct horse battery'],
  GATEHOUSE_ADMIN_SESSION_IDLE: ['600', 600],
  GATEHOUSE_ADMIN_SESSION_MAX: ['7200', 7200],
  GATEHOUSE_ADMIN_SIGNIN_LIMIT_PER_USERNAME: ['7', 7],
  GATEHOUSE_ADMIN_SIGNIN_LIMIT_PER_ADDRESS: ['30', 30],
  GATEHOUSE_SIGNING_ALG: ['EdDSA', 'EdDSA'],
  GATEHOUSE_SECRET: ['A'.repeat(43), 'A'.repeat(43)],
  GATEHOUSE_MAX_TOKEN_LIFETIME: ['3600', 3600],
  GATEHOUSE_ID_TOKEN_LIFETIME: ['600', 600],
  GATEHOUSE_SECRET_ROTATION_GRACE: ['60', 60],
  GATEHOUSE_KEY_ACTIVATION_DELAY: ['0', 0],
  GATEHOUSE_RESOURCES: ['https://a.example, https://b.example', ['https://a.example', 'https://b.example']],
  GATEHOUSE_CHANGE_POLL_MS: ['500', 500],
  GATEHOUSE_CHANGE_SAFETY_POLL_MS: ['1000', 1000],
  GATEHOUSE_DB_TIMEOUT_MS: ['2000', 2000],
  GATEHOUSE_SHUTDOWN_GRACE_MS: ['0', 0],
  GATEHOUSE_REQUEST_TIMEOUT_MS: ['0', 0],
  GATEHOUSE_HEADERS_TIMEOUT_MS: ['5000', 5000],
  GATEHOUSE_CONNECTION_TIMEOUT_MS: ['0', 0],
  GATEHOUSE_USER_ADMIN_ROLE: ['people-admin', 'people-admin'],
  GATEHOUSE_LOCKOUT_THRESHOLD: ['3', 3],
  GATEHOUSE_LOCKOUT_WINDOW: ['60', 60],
  GATEHOUSE_LOCKOUT_DURATION: ['61', 61],
  GATEHOUSE_PASSWORD_RATE_LIMIT_PER_CLIENT: ['0', 0],
  GATEHOUSE_PASSWORD_RATE_LIMIT_PER_ADDRESS: ['1', 1],
  GATEHOUSE_TOKEN_RATE_LIMIT_PER_CLIENT: ['2', 2],
  GATEHOUSE_TOKEN_RATE_LIMIT_PER_ADDRESS: ['3', 3],
  GATEHOUSE_TOKEN_RATE_LIMIT_WINDOW: ['10', 10],
  GATEHOUSE_INTROSPECTION_RATE_LIMIT_PER_ADDRESS: ['4', 4],
  GATEHOUSE_REVOCATION_RATE_LIMIT_PER_ADDRESS: ['5', 5],
  GATEHOUSE_COOKIE_NAME: ['sid', 'sid'],
  GATEHOUSE_COOKIE_DOMAIN: ['example.com', 'example.com'],
  GATEHOUSE_COOKIE_PATH: ['/api', '/api'],
  GATEHOUSE_COOKIE_SAMESITE: ['strict', 'strict'],
  GATEHOUSE_COOKIE_SECURE: ['false', false],
  GATEHOUSE_COOKIE_HTTP_ONLY: ['false', false],
  GATEHOUSE_COOKIE_RENEW_FRACTION: ['0.5', 0.5],
  GATEHOUSE_TOKEN_HEADER: ['X-Token', 'X-Token'],
  GATEHOUSE_MAX_ASSERTION_LIFETIME: ['60', 60],
  GATEHOUSE_CLOCK_TOLERANCE: ['0', 0],
  GATEHOUSE_AUDIT_STREAM: ['stdout', 'stdout'],
  GATEHOUSE_AUDIT_FLUSH_MS: ['50', 50],
  GATEHOUSE_AUDIT_QUEUE_LIMIT: ['10', 10],
  GATEHOUSE_USERS_SCOPE: ['user_admin', 'user_admin'],
  GATEHOUSE_USERS_SCOPE_ALIASES: ['UserMgmt,people', ['UserMgmt', 'people']],
  GATEHOUSE_COMMANDS_SCOPE: ['all_apps', 'all_apps'],
  GATEHOUSE_COMMANDS_SCOPE_ALIASES: ['ServerCommands', ['ServerCommands']],
  GATEHOUSE_COMMANDS_DIR: ['/srv/commands', '/srv/commands'],
  GATEHOUSE_COMMAND_TIMEOUT_MS: ['1000', 1000],
  GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES: ['2048', 2048],
  GATEHOUSE_COMMAND_INTERNAL_NETWORKS: ['10.0.0.0/8', ['10.0.0.0/8']],
  GATEHOUSE_COMMAND_ENV: ['ORDERS_API_KEY,CRM_*', ['ORDERS_API_KEY', 'CRM_*']],
  GATEHOUSE_LAUNCH_LIFETIME: ['120', 120],
  GATEHOUSE_LAUNCH_PASS_THROUGH_PREFIXES: ['VS_,VN_,X-', ['VS_', 'VN_', 'X-']],
  GATEHOUSE_CHECKS_DIR: ['/srv/checks', '/srv/checks'],
  GATEHOUSE_TRUSTED_PROXIES: ['127.0.0.1', ['127.0.0.1/32']],
  GATEHOUSE_ALLOWED_NETWORKS: ['192.168.0.0/16', ['192.168.0.0/16']],
  GATEHOUSE_PIN_MAX_ATTEMPTS: ['5', 5],
  GATEHOUSE_PIN_BLOCK_DURATION: ['62', 62],
  GATEHOUSE_PIN_LIFETIME: ['63', 63],
  GATEHOUSE_USER_LOGIN_LIFETIME: ['64', 64],
  GATEHOUSE_USER_LOGIN_REMEMBER_ME_LIFETIME: ['65', 65],
  GATEHOUSE_BROWSER_SESSION_IDLE_LIFETIME: ['120', 120],
  GATEHOUSE_BROWSER_SESSION_LIFETIME: ['7200', 7200],
  GATEHOUSE_REGISTRATION_RATE_LIMIT_PER_ADDRESS: ['0', 0],
  GATEHOUSE_REGISTRATIONS_PER_INITIAL_ACCESS_TOKEN: ['0', 0],
  GATEHOUSE_OPEN_REGISTRATION: ['true', true],
  GATEHOUSE_OPEN_REGISTRATION_PROFILE: ['mcp', 'mcp'],
  GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_PER_ADDRESS: ['0', 0],
  GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_WINDOW: ['60', 60],
  GATEHOUSE_HOUSEKEEPING_INTERVAL: ['0', 0],
  GATEHOUSE_AUDIT_RETENTION: ['0', 0],
  GATEHOUSE_USED_REFRESH_TOKEN_RETENTION: ['60', 60],
  GATEHOUSE_METRICS: ['off', false],
  GATEHOUSE_METRICS_TOKEN: ['m'.repeat(16), 'm'.repeat(16)],
  GATEHOUSE_METRICS_LISTEN: ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
  REDIS_URL: ['redis://localhost:6379', 'redis://localhost:6379'],
  GATEHOUSE_REDIS_PREFIX: ['gh-test:', 'gh-test:'],
  GATEHOUSE_WORKERS: ['2', 2],
  GATEHOUSE_LOG_LEVEL: ['debug', 'debug'],
};

/** Settings that are valid only with another one set too: the companion's variable and value. */
const COMPANIONS: Record<string, { env: string; key: string; raw: string }> = {
  GATEHOUSE_OPEN_REGISTRATION: { env: 'GATEHOUSE_OPEN_REGISTRATION_PROFILE', key: 'openRegistrationProfile', raw: 'mcp' },
};

function sample(env: string): [string, unknown] {
  const found = SAMPLES[env];
  if (!found) throw new Error(`no sample for ${env}`);
  return found;
}

describe('settings table', () => {
  it('has one sample per environment variable, and no two settings share a variable', () => {
    const envs = SETTINGS.map((setting) => setting.env);
    expect(new Set(envs).size).toBe(envs.length);
    expect([...envs].sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it("lists every entry of the table once, under the entry's key", () => {
    expect(SETTINGS.map((setting) => setting.key)).toEqual(Object.keys(SETTING_TABLE));
    for (const setting of SETTINGS) expect(setting.env).toBe(SETTING_TABLE[setting.key].env);
  });

  it("brings every setting's default into the config when nothing sets it", () => {
    const config: Record<string, unknown> = loadConfig({ env: {} });
    expect(Object.keys(config).sort()).toEqual(Object.keys(SETTING_TABLE).sort());
    for (const setting of SETTINGS) {
      if (setting.default instanceof DerivedDefault) continue;
      const expected = setting.key === 'dataDir' ? resolve(setting.default) : setting.default;
      expect({ [setting.key]: config[setting.key] }).toEqual({ [setting.key]: expected });
    }
  });

  it('computes a derived default from the settings read, overrides included', () => {
    expect(SETTING_TABLE.issuer.default).toBeInstanceOf(DerivedDefault);
    expect(loadConfig({ env: {} }).issuer).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ env: { PORT: '9001' } }).issuer).toBe('http://127.0.0.1:9001');
    expect(loadConfig({ env: { PORT: '9001' }, overrides: { port: 9002 } }).issuer).toBe('http://127.0.0.1:9002');
    expect(loadConfig({ env: {}, overrides: { issuer: 'https://set.example' } }).issuer).toBe('https://set.example');
  });

  it('has defaults that its own parsers accept unchanged', () => {
    for (const setting of SETTINGS) {
      if (setting.default instanceof DerivedDefault) continue;
      expect({ [setting.key]: setting.parse(setting.default) }).toEqual({ [setting.key]: setting.default });
    }
  });

  it("brings each environment variable's value into its setting, and only there", () => {
    const defaults: Record<string, unknown> = loadConfig({ env: {} });
    for (const setting of SETTINGS) {
      const [raw, expected] = sample(setting.env);
      expect({ [setting.key]: defaults[setting.key] }).not.toEqual({ [setting.key]: expected });
      const companion = COMPANIONS[setting.env];
      const config: Record<string, unknown> = loadConfig({ env: { [setting.env]: raw, ...(companion ? { [companion.env]: companion.raw } : {}) } });
      expect({ [setting.env]: config[setting.key] }).toEqual({ [setting.env]: expected });
      const changed = Object.keys(config).filter((key) => JSON.stringify(config[key]) !== JSON.stringify(defaults[key]));
      // The port also moves the derived issuer.
      expect(changed.sort()).toEqual(setting.key === 'port' ? ['issuer', 'port'] : companion ? [setting.key, companion.key].sort() : [setting.key]);
    }
  });

  it("brings each config-file key's value into its setting", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-settings-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify(Object.fromEntries(SETTINGS.map((setting) => [setting.key, sample(setting.env)[0]]))));
      const config: Record<string, unknown> = loadConfig({ env: {}, configFile: file });
      for (const setting of SETTINGS) expect({ [setting.key]: config[setting.key] }).toEqual({ [setting.key]: sample(setting.env)[1] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("types each property as its parser's result", () => {
    expectTypeOf<GatehouseConfig['port']>().toEqualTypeOf<number>();
    expectTypeOf<GatehouseConfig['issuer']>().toEqualTypeOf<string>();
    expectTypeOf<GatehouseConfig['databaseUrl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<GatehouseConfig['signingAlg']>().toEqualTypeOf<SigningAlg>();
    expectTypeOf<GatehouseConfig['resources']>().toEqualTypeOf<string[]>();
    expectTypeOf<GatehouseConfig['cookieSameSite']>().toEqualTypeOf<'strict' | 'lax' | 'none'>();
    expectTypeOf<GatehouseConfig['cookieSecure']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<GatehouseConfig['metricsListen']>().toEqualTypeOf<{ host: string; port: number } | undefined>();
    expectTypeOf<LogLevel>().toEqualTypeOf<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>();
    expectTypeOf<keyof GatehouseConfig>().toEqualTypeOf<keyof typeof SETTING_TABLE>();
  });
});
