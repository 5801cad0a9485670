import type { Command } from 'commander';
import { SETTINGS } from '../../config/config-schema.js';
import { ISSUER_SETTING, recordIssuer } from '../../keys/deployment-identity.js';
import { SettingsRepository } from '../../store/settings-repository.js';
import { CliError, printJson, withGatehouse } from '../context.js';

/** The URL as GATEHOUSE_ISSUER would take it, or a CliError saying why not. */
function issuerUrl(raw: string): string {
  const spec = SETTINGS.find((setting) => setting.key === 'issuer');
  try {
    const parsed: unknown = spec ? spec.parse(raw) : raw;
    if (typeof parsed !== 'string') throw new Error('must be an absolute http(s) URL');
    return parsed;
  } catch (error) {
    throw new CliError(`issuer: ${(error as Error).message}`);
  }
}

/**
 * The issuer every instance on the database must use: recorded by the first instance that serves, changed
 * only here, on purpose (instances started with another GATEHOUSE_ISSUER refuse to start).
 */
export function registerIssuerCommands(program: Command): void {
  const issuer = program.command('issuer').description('the issuer recorded in the database, which every instance must use');
  issuer
    .command('show')
    .description('print the recorded issuer')
    .option('--json', 'machine-readable output: {"issuer": url or null}')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const recorded = await new SettingsRepository(gatehouse.store.db).get(ISSUER_SETTING);
        if (flags.json) return printJson({ issuer: recorded ?? null });
        process.stdout.write(`${recorded ?? '(none recorded yet: the first instance that serves records its GATEHOUSE_ISSUER)'}\n`);
      });
    });
  issuer
    .command('set <url>')
    .description('change the recorded issuer on purpose; then start every instance with GATEHOUSE_ISSUER=<url>')
    .option('--json', 'machine-readable output: {"issuer", "previous"}')
    .action(async (url: string, flags: { json?: boolean }, command: Command) => {
      const next = issuerUrl(url);
      await withGatehouse(command, async (gatehouse) => {
        const previous = await recordIssuer(new SettingsRepository(gatehouse.store.db), next);
        if (flags.json) return printJson({ issuer: next, previous: previous ?? null });
        process.stdout.write(`issuer set to ${next}${previous && previous !== next ? ` (was ${previous})` : ''}; start every instance with GATEHOUSE_ISSUER=${next}\n`);
      });
    });
}
