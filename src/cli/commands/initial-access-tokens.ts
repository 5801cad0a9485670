import type { Command } from 'commander';
import { initialAccessTokenStatus } from '../../security/initial-access-token-status.js';
import { toInitialAccessTokenJson } from '../../security/initial-access-tokens.js';
import { CliError, printJson, withGatehouse } from '../context.js';
import { namingFlags } from '../flag-errors.js';
import { printTable } from '../table.js';

const FLAG_OF_FIELD: Record<string, string> = { description: '--description', expires_in: '--expires-in' };

/**
 * `gatehouse profiles tokens create|list|revoke`: the initial access tokens (RFC 7591 §3) with which app
 * instances register under a profile, as `/admin/api/profiles/:name/initial-access-tokens` and the console.
 */
export function registerInitialAccessTokenCommands(profiles: Command): void {
  const tokens = profiles.command('tokens').description('initial access tokens: app instances register with one under its profile');

  tokens
    .command('create <profile>')
    .description('create an initial access token; prints it once')
    .option('--description <text>', 'what it is for (at most 200 characters)')
    .option('--expires-in <seconds>', 'seconds until it stops working (default: never)')
    .option('--json', "machine-readable output (the admin API's form, with the token)")
    .action(async (profile: string, flags: { description?: string; expiresIn?: string; json?: boolean }, command: Command) => {
      if (flags.expiresIn !== undefined && !/^\d+$/.test(flags.expiresIn)) throw new CliError('--expires-in must be a whole number of seconds');
      await withGatehouse(command, async (gatehouse) => {
        const { token, record } = await namingFlags(FLAG_OF_FIELD, () =>
          gatehouse.initialAccessTokens.create(profile, { description: flags.description, expiresIn: flags.expiresIn === undefined ? undefined : Number(flags.expiresIn) }),
        );
        const json = toInitialAccessTokenJson(record);
        if (flags.json) return printJson({ ...json, token });
        process.stdout.write(`initial access token ${json.id} for profile ${profile}${json.expires_at ? `, until ${json.expires_at}` : ''}:\n\n    ${token}\n\nStore it now: it is not shown again.\n`);
      });
    });

  tokens
    .command('list <profile>')
    .description("list a profile's initial access tokens (never the tokens themselves)")
    .option('--json', 'machine-readable output')
    .action(async (profile: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const list = (await gatehouse.initialAccessTokens.list(profile)).map(toInitialAccessTokenJson);
        if (flags.json) return printJson({ initial_access_tokens: list });
        const now = Date.now();
        printTable(
          ['ID', 'STATUS', 'REGISTRATIONS', 'EXPIRES', 'DESCRIPTION'],
          list.map((token) => [token.id, initialAccessTokenStatus(token, now), String(token.registrations), token.expires_at ?? 'never', token.description]),
        );
        process.stdout.write(`${list.length} token(s)\n`);
      });
    });

  tokens
    .command('revoke <profile> <id>')
    .description('revoke an initial access token: no more registrations with it')
    .option('--json', 'machine-readable output')
    .action(async (profile: string, id: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        await gatehouse.initialAccessTokens.revoke(profile, id);
        if (flags.json) return printJson({ profile, id, revoked: true });
        process.stdout.write(`initial access token ${id} revoked\n`);
      });
    });
}
