import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GatehouseConfig } from './config.js';
import { ConfigError, DerivedDefault, SETTINGS, SETTING_TABLE } from './config-schema.js';
import { quoteValue } from '../shared/quote-value.js';

/** Every constant default of the table; derived defaults are computed once the other settings are read. */
const DEFAULTS: Record<string, unknown> = Object.fromEntries(SETTINGS.flatMap((setting) => (setting.default instanceof DerivedDefault ? [] : [[setting.key, setting.default]])));

interface LoadConfigOptions {
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
    if (!known.has(key)) throw new ConfigError('--config', `unknown setting ${quoteValue(key)} in ${path}; known: ${[...known].join(', ')}`);
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
      const got = setting.sensitive ? '' : ` (got ${quoteValue(raw)})`;
      throw new ConfigError(source, `${(error as Error).message}${got}`);
    }
  }
  Object.assign(values, options.overrides ?? {});
  const config = values as GatehouseConfig;
  config.dataDir = resolve(config.dataDir);
  for (const setting of SETTINGS) {
    if (setting.default instanceof DerivedDefault && values[setting.key] === undefined) values[setting.key] = setting.default.compute(values);
  }
  if (config.cookieSameSite === 'none' && !isHttpsIssuer(config.issuer)) {
    const setting = { key: 'cookieSameSite', env: SETTING_TABLE.cookieSameSite.env };
    throw new ConfigError(sourceOf(setting), `none needs an https issuer (GATEHOUSE_ISSUER is ${config.issuer}): browsers drop a SameSite=None cookie that is not Secure`);
  }
  if (config.openRegistration && config.openRegistrationProfile === undefined) {
    const setting = { key: 'openRegistrationProfile', env: SETTING_TABLE.openRegistrationProfile.env };
    throw new ConfigError(sourceOf(setting), 'must name a security profile when GATEHOUSE_OPEN_REGISTRATION is true (its scope mapping governs the clients that register)');
  }
  checkReservedScopeNames(config, sourceOf);
  return config;
}

/** True for an https issuer: the only one whose token cookie may be SameSite=None (which browsers require to be Secure). */
export function isHttpsIssuer(issuer: string): boolean {
  return issuer.startsWith('https://');
}

/** Scopes with a meaning of their own that neither the user-API nor the all-commands scope may be named (see protected-apis/reserved-scopes.ts). */
const OTHER_RESERVED_SCOPES = ['offline_access', 'roles', 'openid'];

/** The user-API and all-commands scope names (and aliases) are distinct from each other and from the other reserved scopes. */
function checkReservedScopeNames(config: GatehouseConfig, sourceOf: (setting: { key: string; env: string }) => string): void {
  const users = [config.usersScope, ...config.usersScopeAliases];
  const commands = [config.commandsScope, ...config.commandsScopeAliases];
  const clash = (names: string[], key: 'usersScope' | 'commandsScope', others: string[]) => {
    const taken = names.find((name) => others.includes(name));
    if (taken !== undefined) throw new ConfigError(sourceOf({ key, env: SETTING_TABLE[key].env }), `${taken} is already a reserved scope name (${others.join(', ')})`);
  };
  clash(users, 'usersScope', [...commands, ...OTHER_RESERVED_SCOPES]);
  clash(commands, 'commandsScope', OTHER_RESERVED_SCOPES);
}
