import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GatehouseConfig } from './config.js';
import { ConfigError, SETTINGS } from './config-schema.js';

const DEFAULTS: Omit<GatehouseConfig, 'issuer'> = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  databaseUrl: undefined,
  adminToken: undefined,
  adminPassword: undefined,
  adminSessionIdle: 1800,
  adminSessionMax: 43_200,
  adminSignInLimitPerUsername: 5,
  adminSignInLimitPerAddress: 20,
  signingAlg: 'ES256',
  masterSecret: undefined,
  maxTokenLifetime: 86_400,
  secretRotationGrace: 3_600,
  keyActivationDelay: 300,
  resources: [],
  changePollInterval: 250,
  changeSafetyPollInterval: 5_000,
  dbTimeoutMs: 5_000,
  shutdownGraceMs: 10_000,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  connectionTimeoutMs: 120_000,
  lockoutThreshold: 5,
  lockoutWindow: 900,
  lockoutDuration: 900,
  passwordRateLimitPerClient: 120,
  passwordRateLimitPerAddress: 60,
  tokenRateLimitPerClient: 6_000,
  tokenRateLimitPerAddress: 20_000,
  tokenRateLimitWindow: 60,
  introspectionRateLimitPerAddress: 20_000,
  revocationRateLimitPerAddress: 6_000,
  clockTolerance: 5,
  cookieName: 'gatehouse_access_token',
  cookieDomain: undefined,
  cookiePath: '/',
  cookieSameSite: 'lax',
  cookieSecure: undefined,
  cookieHttpOnly: true,
  tokenHeader: 'X-Gatehouse-Access-Token',
  cookieRenewFraction: 0.2,
  maxAssertionLifetime: 300,
  commandsDir: undefined,
  auditStream: undefined,
  auditFlushMs: 200,
  auditQueueLimit: 20_000,
  commandTimeoutMs: 30_000,
  commandMaxResponseBytes: 1_048_576,
  commandInternalNetworks: [],
  housekeepingInterval: 60,
  usedRefreshTokenRetention: 7 * 86_400,
  auditRetention: 90 * 86_400,
  metrics: true,
  metricsToken: undefined,
  metricsListen: undefined,
  redisUrl: undefined,
  redisKeyPrefix: 'gatehouse:',
  workers: 1,
  logLevel: 'info',
  checksDir: undefined,
  trustedProxies: [],
  allowedNetworks: [],
  pinMaxAttempts: 3,
  pinBlockDuration: 300,
  pinLifetime: 3600,
  userLoginLifetime: 3600,
  userLoginRememberMeLifetime: 30 * 86_400,
  registrationRateLimitPerAddress: 20,
  registrationsPerInitialAccessToken: 1000,
};

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of an optional JSON file whose keys are the camelCase setting names. */
  configFile?: string | undefined;
  /** Values that win over everything (used by tests and the CLI). */
  overrides?: Partial<GatehouseConfig>;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('--config', `${path} is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('--config', `${path} must hold a JSON object`);
  }
  const known = new Set(SETTINGS.map((setting) => setting.key as string));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError('--config', `unknown setting "${key}" in ${path}; known: ${[...known].join(', ')}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads configuration: defaults, then the JSON file, then environment variables, then overrides.
 * A bad value throws a ConfigError whose message is one line naming the setting and what is allowed.
 */
export function loadConfig(options: LoadConfigOptions = {}): GatehouseConfig {
  const env = options.env ?? process.env;
  const file = options.configFile ? readConfigFile(options.configFile) : {};
  const values: Record<string, unknown> = { ...DEFAULTS };
  /** Where each setting read from the file came from, for messages (the environment variable otherwise). */
  const fromFileKeys = new Set<string>();
  const sourceOf = (setting: { key: string; env: string }) => (fromFileKeys.has(setting.key) ? `${setting.key} (in ${options.configFile ?? 'config file'})` : setting.env);
  for (const setting of SETTINGS) {
    const fromEnv = env[setting.env];
    const fromFile = file[setting.key];
    const useEnv = fromEnv !== undefined && fromEnv !== '';
    const raw = useEnv ? fromEnv : fromFile;
    if (raw === undefined) continue;
    if (!useEnv) fromFileKeys.add(setting.key);
    try {
      values[setting.key] = setting.parse(raw);
    } catch (error) {
      const source = sourceOf(setting);
      // Secrets and credentials are never repeated in an error message (it may end up in logs).
      const got = setting.sensitive ? '' : ` (got ${JSON.stringify(raw)})`;
      throw new ConfigError(source, `${(error as Error).message}${got}`);
    }
  }
  Object.assign(values, options.overrides ?? {});
  const config = values as unknown as GatehouseConfig;
  config.dataDir = resolve(config.dataDir);
  if (config.issuer === undefined) config.issuer = `http://127.0.0.1:${config.port}`;
  if (config.cookieSameSite === 'none' && !isHttpsIssuer(config.issuer)) {
    const setting = SETTINGS.find((candidate) => candidate.key === 'cookieSameSite') as { key: string; env: string };
    throw new ConfigError(sourceOf(setting), `none needs an https issuer (GATEHOUSE_ISSUER is ${config.issuer}): browsers drop a SameSite=None cookie that is not Secure`);
  }
  return config;
}

/** True for an https issuer: the only one whose token cookie may be SameSite=None (which browsers require to be Secure). */
export function isHttpsIssuer(issuer: string): boolean {
  return issuer.startsWith('https://');
}
