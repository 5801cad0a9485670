import type { Command } from 'commander';
import { ADMIN_ROLES, toAdminJson } from '../../admin-accounts/admin-account.js';
import { setupLinkOf } from '../../admin-accounts/admin-setup.js';
import { printJson, withGatehouse } from '../context.js';
import { printTable } from '../table.js';
import { namingFlags } from '../flag-errors.js';
import { passwordFrom } from './users.js';

const FLAG_OF_FIELD: Record<string, string> = { username: '<username>', password: '--password', role: '--role' };

/** `gatehouse admins`: administrator accounts of the web console. */
export function registerAdminsCommands(program: Command): void {
  const admins = program.command('admins').description('administrator accounts of the web console');

  admins
    .command('create <username>')
    .description('add a console account (password: 12+ characters)')
    .option('--password <password>', 'the password')
    .option('--password-stdin', 'read the password from standard input')
    .option('--role <role>', `${ADMIN_ROLES.join(' or ')}: an auditor may only read`, 'admin')
    .option('--json', 'machine-readable output')
    .action(async (username: string, flags: { password?: string; passwordStdin?: boolean; role: string; json?: boolean }, command: Command) => {
      const password = await passwordFrom(flags);
      await withGatehouse(command, async (gatehouse) => {
        const admin = toAdminJson(await namingFlags(FLAG_OF_FIELD, () => gatehouse.admins.create(username, password, flags.role)));
        if (flags.json) printJson(admin);
        else process.stdout.write(`${admin.role === 'auditor' ? 'auditor' : 'administrator'} ${admin.username} created\n`);
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
        printTable(
          ['USERNAME', 'ROLE', 'CREATED'],
          list.map((admin) => [admin.username, admin.role, admin.created_at]),
        );
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
    .command('set-role <username> <role>')
    .description(`change an account's role (${ADMIN_ROLES.join(' or ')}); the last administrator keeps theirs`)
    .option('--json', 'machine-readable output')
    .action(async (username: string, role: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const admin = await namingFlags({ role: '<role>' }, () => gatehouse.admins.setRole(username, role));
        if (flags.json) return printJson(toAdminJson(admin));
        process.stdout.write(`${admin.username} is now ${admin.role === 'auditor' ? 'an auditor' : 'an administrator'}\n`);
      });
    });

  admins
    .command('setup-link')
    .description('print a new one-time link that creates the first administrator in a browser (the earlier link stops working)')
    .option('--json', 'machine-readable output: {"setup_link", "expires_at"}')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const { secret, expiresAt } = await gatehouse.adminSetup.renew();
        if (flags.json) return printJson({ setup_link: setupLinkOf(gatehouse.config.issuer, secret), expires_at: new Date(expiresAt).toISOString() });
        process.stdout.write(`${setupLinkOf(gatehouse.config.issuer, secret)}\n`);
        process.stderr.write(`It works once, until ${new Date(expiresAt).toISOString()}, while no administrator exists.\n`);
      });
    });

  admins
    .command('delete <username>')
    .description('delete a console account and end their sessions (never the last administrator)')
    .option('--json', 'machine-readable output')
    .action(async (username: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        await gatehouse.admins.delete(username);
        if (flags.json) return printJson({ username, deleted: true });
        process.stdout.write(`administrator ${username} deleted\n`);
      });
    });
}
