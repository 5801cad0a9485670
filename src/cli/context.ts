import type { Command } from 'commander';
import type { GatehouseConfig } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';
import { openGatehouse, type Gatehouse } from '../gatehouse.js';
import { createLogger } from '../server/logger.js';
import { recordCliChange } from './cli-audit.js';

/** A failure the CLI reports as one line on stderr with exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export function configFrom(command: Command): GatehouseConfig {
  const options = command.optsWithGlobals<{ config?: string }>();
  return loadConfig({ configFile: options.config });
}

/** Prints a generated admin token once, outside the logs. */
export function announceAdminToken(token: string | undefined, stream: NodeJS.WriteStream = process.stderr): void {
  if (!token) return;
  stream.write(
    [
      '',
      '  A new admin API token was generated. It is shown only this once and stored only as a digest:',
      '',
      `      ${token}`,
      '',
      '  Use it as "Authorization: Bearer <token>" on /admin/api. Set GATEHOUSE_ADMIN_TOKEN to choose your own.',
      '',
      '',
    ].join('\n'),
  );
}

/** Runs a one-shot command against the store, then closes it. */
export async function withGatehouse<T>(command: Command, work: (gatehouse: Gatehouse) => Promise<T>): Promise<T> {
  const config = configFrom(command);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  const gatehouse = await openGatehouse(config, logger);
  announceAdminToken(gatehouse.generatedAdminToken);
  try {
    const result = await work(gatehouse);
    await recordCliChange(gatehouse, command, undefined);
    return result;
  } catch (error) {
    await recordCliChange(gatehouse, command, error);
    throw error;
  } finally {
    await gatehouse.close();
  }
}

/**
 * One line on stderr, exit code 1. Every error a user can act on says what to fix in its message: the domain's
 * (each base in src/shared/errors.ts), ConfigError and CliError alike; anything else is reported by its message
 * too. Commander has already printed its own usage errors.
 */
export function reportCliError(error: unknown): never {
  if (!(error instanceof Error && error.name === 'CommanderError')) process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
