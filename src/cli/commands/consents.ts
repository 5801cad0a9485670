import type { Command } from 'commander';
import { SignInData } from '../../admin-api/sign-in-data.js';
import { printJson, withGatehouse } from '../context.js';
import { pagingOf } from '../list-options.js';
import { withPaging } from './sessions.js';

interface ListFlags {
  user?: string;
  client?: string;
  limit: string;
  offset: string;
  json?: boolean;
}

/** `gatehouse consents ...`: what users allowed third-party clients on the consent page. */
export function registerConsentsCommands(program: Command): void {
  const consents = program.command('consents').description('what users allowed clients on the consent page');

  withPaging(consents.command('list').description('list consents, newest first').option('--user <user>', 'only this user (id or username)').option('--client <client_id>', 'only this client')).action(
    async (flags: ListFlags, command: Command) => {
      const { limit, offset } = pagingOf(flags);
      await withGatehouse(command, async (gatehouse) => {
        const { consents: found, total } = await new SignInData(gatehouse).listConsents({ user: flags.user, client: flags.client, limit, offset });
        if (flags.json) return printJson({ consents: found, total, limit, offset });
        for (const consent of found) process.stdout.write(`${consent.username ?? consent.user_id}\t${consent.client_id}\t${consent.scope}\t${consent.updated_at}\n`);
        process.stdout.write(`${found.length} of ${total} consent(s)\n`);
      });
    },
  );

  consents
    .command('withdraw <user> <client_id>')
    .description("withdraw a user's (id or username) consent for a client: the next sign-in through it asks again")
    .option('--json', 'machine-readable output')
    .action(async (user: string, clientId: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const withdrawn = await new SignInData(gatehouse).withdrawConsent(user, clientId);
        if (flags.json) printJson({ user_id: withdrawn.user_id, client_id: clientId, withdrawn: true });
        else process.stdout.write(`consent of ${withdrawn.username} for ${clientId} withdrawn\n`);
      });
    });
}
