import type { Command } from 'commander';
import { userStatus } from '../../users/user-status.js';
import { parseUserChanges } from '../../users/user-input.js';
import { toUserJson } from '../../users/user-registry.js';
import { CliError, printJson, withGatehouse } from '../context.js';
import { namingFlags } from '../flag-errors.js';
import { pagingOf, withListOptions, type ListFlags } from '../list-options.js';
import { printTable } from '../table.js';
import { quoteValue } from '../../shared/quote-value.js';

interface UserFlags {
  displayName?: string;
  email?: string;
  roles?: string;
  disabled?: boolean;
  json?: boolean;
}

/** Reads a password from --password or, with --password-stdin, from standard input (no shell history). */
export async function passwordFrom(flags: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (flags.password !== undefined && flags.passwordStdin) throw new CliError('use --password or --password-stdin, not both');
  if (flags.password !== undefined) return flags.password;
  if (!flags.passwordStdin) throw new CliError('a password is required: --password <password> or --password-stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function bodyFromFlags(flags: UserFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (flags.displayName !== undefined) body.display_name = flags.displayName;
  if (flags.email !== undefined) body.email = flags.email === '' ? null : flags.email;
  if (flags.roles !== undefined)
    body.roles = flags.roles
      .split(',')
      .map((role) => role.trim())
      .filter((role) => role !== '');
  if (flags.disabled) body.enabled = false;
  return body;
}

const FLAG_OF_FIELD: Record<string, string> = {
  username: '<username>',
  password: '--password',
  display_name: '--display-name',
  email: '--email',
  roles: '--roles',
};

function describe(user: ReturnType<typeof toUserJson>): string {
  return [
    `id:            ${user.id}`,
    `username:      ${user.username}`,
    `display_name:  ${user.display_name ?? ''}`,
    `email:         ${user.email ?? ''}`,
    `roles:         ${user.roles.join(', ')}`,
    `enabled:       ${user.enabled}`,
    `locked_until:  ${user.locked_until ?? ''}`,
  ].join('\n');
}

/** Resolves a user given by id or username. */
async function findUserId(gatehouse: Parameters<Parameters<typeof withGatehouse>[1]>[0], idOrUsername: string): Promise<string> {
  const user = await gatehouse.usersRepository.findByIdOrUsername(idOrUsername);
  if (user) return user.id;
  throw new CliError(`no user with id or username ${quoteValue(idOrUsername)}`);
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('the user registry');

  users
    .command('create <username>')
    .description('add a user')
    .option('--password <password>', 'the password (at least 8 characters)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--display-name <name>', 'display name')
    .option('--email <email>', 'email address')
    .option('--roles <list>', 'comma-separated roles')
    .option('--disabled', 'create it disabled')
    .option('--json', 'machine-readable output')
    .action(async (username: string, flags: UserFlags & { password?: string; passwordStdin?: boolean }, command: Command) => {
      const password = await passwordFrom(flags);
      await withGatehouse(command, async (gatehouse) => {
        const changes = await namingFlags(FLAG_OF_FIELD, () => parseUserChanges({ ...bodyFromFlags(flags), username, password }, 'create'));
        const user = toUserJson(await gatehouse.users.create(changes));
        if (flags.json) printJson(user);
        else process.stdout.write(`${describe(user)}\n`);
      });
    });

  withListOptions(users.command('list').description('list users'), 'filter by username or display name').action(async (flags: ListFlags, command: Command) => {
    const paging = pagingOf(flags);
    await withGatehouse(command, async (gatehouse) => {
      const { users: found, total } = await gatehouse.users.list(paging);
      const list = found.map(toUserJson);
      if (flags.json) return printJson({ users: list, total });
      printTable(
        ['ID', 'STATUS', 'USERNAME', 'DISPLAY NAME', 'ROLES'],
        list.map((user) => [user.id, userStatus(user), user.username, user.display_name, user.roles.join(',')]),
      );
      process.stdout.write(`${list.length} of ${total} user(s)\n`);
    });
  });

  users
    .command('show <user>')
    .description('show a user (by id or username)')
    .option('--json', 'machine-readable output')
    .action(async (idOrUsername: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const user = toUserJson(await gatehouse.users.get(await findUserId(gatehouse, idOrUsername)));
        if (flags.json) printJson(user);
        else process.stdout.write(`${describe(user)}\n`);
      });
    });

  users
    .command('update <user>')
    .description('change a user (by id or username)')
    .option('--display-name <name>', 'display name ("" to clear)')
    .option('--email <email>', 'email address ("" to clear)')
    .option('--roles <list>', 'comma-separated roles (replaces them)')
    .option('--json', 'machine-readable output')
    .action(async (idOrUsername: string, flags: UserFlags, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const changes = await namingFlags(FLAG_OF_FIELD, () => parseUserChanges(bodyFromFlags(flags), 'update'));
        const user = toUserJson(await gatehouse.users.update(await findUserId(gatehouse, idOrUsername), changes));
        if (flags.json) printJson(user);
        else process.stdout.write(`${describe(user)}\n`);
      });
    });

  users
    .command('set-password <user>')
    .description('set a new password (also clears a lockout)')
    .option('--password <password>', 'the new password')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output (the user)')
    .action(async (idOrUsername: string, flags: { password?: string; passwordStdin?: boolean; json?: boolean }, command: Command) => {
      const password = await passwordFrom(flags);
      await withGatehouse(command, async (gatehouse) => {
        const user = await namingFlags(FLAG_OF_FIELD, async () => gatehouse.users.setPassword(await findUserId(gatehouse, idOrUsername), password));
        if (flags.json) return printJson(toUserJson(user));
        process.stdout.write('password set\n');
      });
    });

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    users
      .command(`${name} <user>`)
      .description(`${name} a user (by id or username)`)
      .option('--json', 'machine-readable output')
      .action(async (idOrUsername: string, flags: { json?: boolean }, command: Command) => {
        await withGatehouse(command, async (gatehouse) => {
          const user = toUserJson(await gatehouse.users.update(await findUserId(gatehouse, idOrUsername), { enabled }));
          if (flags.json) printJson(user);
          else process.stdout.write(`user ${user.username} ${enabled ? 'enabled' : 'disabled'}\n`);
        });
      });
  }

  users
    .command('unlock <user>')
    .description('lift the lockout of a user (by id or username) after too many wrong passwords')
    .option('--json', 'machine-readable output')
    .action(async (idOrUsername: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const user = toUserJson(await gatehouse.users.unlock(await findUserId(gatehouse, idOrUsername)));
        if (flags.json) printJson(user);
        else process.stdout.write(`user ${user.username} unlocked\n`);
      });
    });

  users
    .command('delete <user>')
    .description('delete a user (by id or username) and their refresh tokens')
    .option('--json', 'machine-readable output')
    .action(async (idOrUsername: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const id = await findUserId(gatehouse, idOrUsername);
        await gatehouse.users.delete(id);
        if (flags.json) printJson({ id, deleted: true });
        else process.stdout.write(`user ${idOrUsername} deleted\n`);
      });
    });
}
