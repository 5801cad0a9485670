import { Option, type Command } from 'commander';
import type { SigningKeyStatus } from '../../keys/signing-keys.js';
import { signingKeyJson } from '../../keys/signing-key-json.js';
import { CliError, printJson, withGatehouse } from '../context.js';

function describe(key: SigningKeyStatus): string {
  const until = key.publishedUntil === null ? '' : `  published until ${new Date(key.publishedUntil).toISOString()}`;
  const purpose = key.purpose === 'id_token' ? '  (ID tokens)' : '';
  return `${key.kid}  ${key.alg}  ${key.state.padEnd(7)}  activates ${new Date(key.activatesAt).toISOString()}${until}${purpose}`;
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('signing keys of access tokens and ID tokens');

  keys
    .command('list')
    .description('list signing keys and their state')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const status = gatehouse.keys.status(Date.now());
        // The admin API's form (GET /admin/api/keys).
        if (options.json) printJson({ keys: status.map(signingKeyJson) });
        else for (const key of status) process.stdout.write(`${describe(key)}\n`);
      });
    });

  keys
    .command('rotate')
    .description('add a new signing key: published at once, signing after the activation delay')
    .option('--delay <seconds>', 'seconds before the new key signs (default: GATEHOUSE_KEY_ACTIVATION_DELAY)')
    .addOption(new Option('--now', 'sign with the new key at once (resource servers with a cached JWKS refetch on the unknown kid)').conflicts('delay'))
    .option('--json', 'machine-readable output')
    .action(async (options: { delay?: string; now?: boolean; json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        let delay = gatehouse.config.keyActivationDelay;
        if (options.now) delay = 0;
        else if (options.delay !== undefined) {
          if (!/^\d+$/.test(options.delay) || Number(options.delay) > 7 * 86400) throw new CliError('--delay must be an integer from 0 to 604800');
          delay = Number(options.delay);
        }
        const status = await gatehouse.keys.rotate(gatehouse.config.signingAlg, delay);
        if (options.json) printJson(signingKeyJson(status));
        else process.stdout.write(`new key ${status.kid} (${status.alg}) is published; it signs from ${new Date(status.activatesAt).toISOString()}\n`);
        if (!options.json && gatehouse.keys.hasIdTokenKeys) process.stdout.write('a new ID-token key (RS256) is published alike\n');
      });
    });
}
