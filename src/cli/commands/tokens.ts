import type { Command } from 'commander';
import type { RevocationTarget } from '../../oauth/token-revocation.js';
import { printJson, withGatehouse } from '../context.js';

interface RevokeFlags {
  jti?: string;
  client?: string;
  user?: string;
  json?: boolean;
}

const USAGE = 'error: give exactly one of --jti <jti>, --client <client-id> or --user <user>';

/** The one target the flags name; for none or several, a usage error (one line and the hint to --help). */
function revocationTargetOf(flags: RevokeFlags, command: Command): RevocationTarget {
  const given = [flags.jti, flags.client, flags.user].filter((value) => value !== undefined);
  if (given.length !== 1 || given[0]?.trim() === '') command.error(USAGE);
  if (flags.jti !== undefined) return { jti: flags.jti };
  return flags.client !== undefined ? { clientId: flags.client } : { userId: flags.user as string };
}

/** `gatehouse tokens`: administrative revocation of access and refresh tokens. */
export function registerTokensCommands(program: Command): void {
  const tokens = program.command('tokens').description('revoke access and refresh tokens');

  tokens
    .command('revoke')
    .description('revoke one access token by its jti (the audit log shows it), or every token of a client or of a user')
    .option('--jti <jti>', 'the access token with this jti')
    .option('--client <client-id>', 'every token of this client (its refresh tokens, and its access tokens issued until now)')
    .option('--user <user>', 'every token of this user (id or username)')
    .option('--json', 'machine-readable output (the admin API answer)')
    .action(async (flags: RevokeFlags, command: Command) => {
      const target = revocationTargetOf(flags, command);
      await withGatehouse(command, async (gatehouse) => {
        const result = await gatehouse.tokenRevocation.revoke(target);
        if (flags.json) return printJson(result);
        if (result.revoked === 'token') process.stdout.write(`token ${result.jti} revoked\n`);
        else if (result.revoked === 'client')
          process.stdout.write(`every token of client ${result.client_id} issued until ${result.revoked_before} revoked (${result.refresh_tokens_revoked} refresh token(s))\n`);
        else process.stdout.write(`every token of user ${result.username} issued until ${result.revoked_before} revoked (${result.refresh_tokens_revoked} refresh token(s))\n`);
      });
    });
}
