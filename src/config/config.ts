import type { SETTING_TABLE } from './config-schema.js';

/**
 * The one typed configuration object every part of Gatehouse reads: one property per entry of the settings
 * table (config-schema.ts), of the type its parser returns.
 */
export type GatehouseConfig = { -readonly [K in keyof typeof SETTING_TABLE]: ReturnType<(typeof SETTING_TABLE)[K]['parse']> };

export type LogLevel = GatehouseConfig['logLevel'];
