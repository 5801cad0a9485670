import { Option, type Command } from 'commander';
import { toAuditJson, type AuditQuery } from '../../audit/audit-event.js';
import { CliError, printJson, withGatehouse } from '../context.js';
import { printTable } from '../table.js';

interface AuditFlags {
  action?: string;
  actor?: string;
  client?: string;
  subject?: string;
  grantType?: string;
  outcome?: 'success' | 'failure';
  from?: string;
  to?: string;
  limit: string;
  offset: string;
  json?: boolean;
}

function timeOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new CliError(`${flag} must be an ISO 8601 date or date-time, for example 2026-12-01 or 2026-12-01T08:00:00Z`);
  return time;
}

/** The same filters as `GET /admin/api/audit`, checked as it checks them. */
function queryOf(flags: AuditFlags): AuditQuery {
  if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1 || Number(flags.limit) > 500) throw new CliError('--limit must be a whole number from 1 to 500');
  if (!/^\d+$/.test(flags.offset)) throw new CliError('--offset must be a whole number');
  return {
    action: flags.action,
    actor: flags.actor,
    clientId: flags.client,
    subject: flags.subject,
    grantType: flags.grantType,
    outcome: flags.outcome,
    from: timeOf(flags.from, '--from'),
    to: timeOf(flags.to, '--to'),
    limit: Number(flags.limit),
    offset: Number(flags.offset),
  };
}

/** `gatehouse audit list`: the audit log, newest first, as the console's audit page and `GET /admin/api/audit`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log: token issuance, refusals, sign-ins and administrative changes');
  audit
    .command('list')
    .description('list audit events, newest first')
    .option('--action <action>', 'only this action (for example token.issue or client.update)')
    .option('--actor <actor>', 'only events by this actor (an administrator, "cli", a client id)')
    .option('--client <client_id>', 'only events of this client')
    .option('--subject <sub>', 'only events about this subject (a username, a user id or a client id)')
    .option('--grant-type <grant_type>', 'only token events of this grant type')
    .addOption(new Option('--outcome <outcome>', 'only successes or failures').choices(['success', 'failure']))
    .option('--from <date>', 'events at or after this ISO 8601 date or date-time')
    .option('--to <date>', 'events before this ISO 8601 date or date-time')
    .option('--limit <n>', 'at most this many (1 to 500)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option('--json', "machine-readable output (the admin API's form)")
    .action(async (flags: AuditFlags, command: Command) => {
      const query = queryOf(flags);
      await withGatehouse(command, async (gatehouse) => {
        // A username names its user: events record the user's id as their subject.
        const user = query.subject === undefined ? undefined : await gatehouse.usersRepository.findByIdOrUsername(query.subject);
        const { events, total } = await gatehouse.audit.query({ ...query, subject: user?.id ?? query.subject });
        const list = events.map(toAuditJson);
        if (flags.json) return printJson({ events: list, total, limit: query.limit, offset: query.offset });
        printTable(
          ['AT', 'ACTION', 'OUTCOME', 'ACTOR', 'CLIENT', 'SUBJECT', 'DETAIL'],
          list.map((event) => [event.at, event.action, event.outcome, event.actor, event.client_id, event.subject, event.reason ?? event.target ?? event.jti]),
        );
        process.stdout.write(`${list.length} of ${total} event(s)\n`);
      });
    });
}
