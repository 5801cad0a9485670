import type { Command } from 'commander';
import { toAdminJson } from '../../admin-accounts/admin-account.js';
import { printJson, withGatehouse } from '../context.js';
import { namingFlags } from '../flag-errors.js';
import { passwordFrom } from './users.js';

const FLAG_OF_FIELD: Record<string, string> = { username: '<username>', password: '--password' };

/** `gatehouse admins`: administrator accounts of the web console. */
export function registerAdminsCommands(program: Command): void {
  const admins = program.command('admins').description('administrator accounts of the web console');

  admins
    .command('create <username>')
    .description('add an administrator (password: 12+ characters)')
    .option('--password <password>', 'the password')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output')
    .action(async (username: string, flags: { password?: string; passwordStdin?: boolean; json?: boolean }, command: Command) => {
      const password = await passwordFrom(flags);
      await withGatehouse(command, async (gatehouse) => {
        const admin = toAdminJson(await namingFlags(FLAG_OF_FIELD, () => gatehouse.admins.create(username, password)));
        if (flags.json) printJson(admin);
        else process.stdout.write(`administrator ${admin.username} created\n`);
      });
    });

  admins
    .command('list')
    .description('list administrators')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const list = (await gatehouse.admins.list()).map(toAdminJson);
        if (flags.json) return printJson({ admins: list });
        for (const admin of list) process.stdout.write(`${admin.username}\tcreated ${admin.created_at}\n`);
        process.stdout.write(`${list.length} administrator(s)\n`);
      });
    });

  admins
    .command('set-password <username>')
    .description("replace an administrator's password (ends their sessions)")
    .option('--password <password>', 'the new password')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output')
    .action(async (username: string, flags: { password?: string; passwordStdin?: boolean; json?: boolean }, command: Command) => {
      const password = await passwordFrom(flags);
      await withGatehouse(command, async (gatehouse) => {
        await namingFlags(FLAG_OF_FIELD, () => gatehouse.admins.setPassword(username, password));
        if (flags.json) return printJson({ username, password_set: true });
        process.stdout.write('password set\n');
      });
    });

  admins
    .command('delete <username>')
    .description('delete an administrator and end their sessions')
    .option('--json', 'machine-readable output')
    .action(async (username: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        await gatehouse.admins.delete(username);
        if (flags.json) return printJson({ username, deleted: true });
        process.stdout.write(`administrator ${username} deleted\n`);
      });
    });
}
