import type { Command } from 'commander';
import { SignInData } from '../../admin-api/sign-in-data.js';
import type { BrowserSessionJson } from '../../admin-api/wire.js';
import { printJson, withGatehouse } from '../context.js';
import { pagingOf } from '../list-options.js';

interface ListFlags {
  user?: string;
  limit: string;
  offset: string;
  json?: boolean;
}

/** `--limit`, `--offset` and `--json` of a list command (no `--search`). */
export function withPaging(command: Command): Command {
  return command.option('--limit <n>', 'at most this many', '100').option('--offset <n>', 'skip this many', '0').option('--json', 'machine-readable output');
}

function line(session: BrowserSessionJson): string {
  return `${session.id}\t${session.username ?? session.user_id}\tsince ${session.auth_time}\tlast seen ${session.last_seen_at}\t${session.source_address}\t${session.user_agent ?? ''}\n`;
}

/** `gatehouse sessions ...`: browser sessions (single sign-on) of the hosted sign-in pages. */
export function registerSessionsCommands(program: Command): void {
  const sessions = program.command('sessions').description('browser sessions of the hosted sign-in pages (single sign-on)');

  withPaging(sessions.command('list').description('list live sessions, newest first').option('--user <user>', 'only this user (id or username)')).action(async (flags: ListFlags, command: Command) => {
    const { limit, offset } = pagingOf(flags);
    await withGatehouse(command, async (gatehouse) => {
      const { sessions: found, total } = await new SignInData(gatehouse).listSessions({ user: flags.user, limit, offset });
      if (flags.json) return printJson({ sessions: found, total, limit, offset });
      for (const session of found) process.stdout.write(line(session));
      process.stdout.write(`${found.length} of ${total} live session(s)\n`);
    });
  });

  sessions
    .command('end <id>')
    .description('end one session (its id as `sessions list` shows it); the person signs in again')
    .option('--json', 'machine-readable output')
    .action(async (id: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const ended = await new SignInData(gatehouse).endSession(id);
        if (flags.json) printJson({ id, user_id: ended.user_id, ended: true });
        else process.stdout.write(`session of ${ended.username ?? ended.user_id} ended\n`);
      });
    });

  sessions
    .command('end-all <user>')
    .description('end every live session of a user (id or username)')
    .option('--json', 'machine-readable output')
    .action(async (user: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const { user_id, username, ended } = await new SignInData(gatehouse).endUserSessions(user);
        if (flags.json) printJson({ user_id, ended });
        else process.stdout.write(`${ended} session(s) of ${username} ended\n`);
      });
    });
}
