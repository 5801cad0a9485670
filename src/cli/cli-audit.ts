import type { Command } from 'commander';
import type { Gatehouse } from '../gatehouse.js';
import type { AuditAction } from '../audit/audit-actions.js';

/** Subcommands that only read. */
const READ_ONLY = new Set(['list', 'show', 'keys', 'serve', 'migrate', 'pull', 'schema']);

/** Audit names of CLI changes, matching those of the admin API where both can do the same. */
const ACTIONS: Record<string, AuditAction> = {
  'clients create': 'client.create',
  'clients update': 'client.update',
  'clients enable': 'client.update',
  'clients disable': 'client.update',
  'clients delete': 'client.delete',
  'clients rotate-secret': 'client.rotate_secret',
  'clients keygen': 'client.add_key',
  'clients add-key': 'client.add_key',
  'clients remove-key': 'client.remove_key',
  'users create': 'user.create',
  'users update': 'user.update',
  'users enable': 'user.update',
  'users disable': 'user.update',
  'users delete': 'user.delete',
  'users set-password': 'user.set_password',
  'users unlock': 'user.unlock',
  'profiles tokens create': 'profile.create_initial_access_token',
  'profiles tokens revoke': 'profile.revoke_initial_access_token',
  'keys rotate': 'signing_key.rotate',
  'admins create': 'admin.create',
  'admins delete': 'admin.delete',
  'admins set-password': 'admin.set_password',
  'admins set-role': 'admin.change_role',
  'tokens revoke': 'token.revoke',
  'admin-token': 'admin_token.reset',
  'profiles push': 'profile.replace',
  'profiles delete': 'profile.delete',
  'sessions end': 'browser_session.end',
  'sessions end-all': 'user.end_sessions',
  'consents withdraw': 'consent.withdraw',
  'branding set': 'settings.branding.update',
};

/** The audit action of a CLI command, or undefined when it changes nothing. */
export function cliActionOf(command: Command): string | undefined {
  const name = command.name();
  if (READ_ONLY.has(name)) return undefined;
  // The words after `gatehouse`: `tokens revoke` (token revocation) is not `profiles tokens revoke` (initial access tokens).
  const words: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) words.unshift(current.name());
  const key = words.join(' ');
  // `clients pin` sets a PIN or, with --clear, removes it: the admin API's PUT and DELETE.
  if (key === 'clients pin') return command.opts<{ clear?: boolean }>().clear ? 'client.remove_pin' : 'client.set_pin';
  return ACTIONS[key] ?? key.replace(' ', '.');
}

/** The flag naming what a command changes: `--id`, or `tokens revoke`'s `--jti` / `--client` / `--user`. */
function targetFlagOf(flags: { id?: string; jti?: string; client?: string; user?: string }): string | null {
  return flags.id ?? flags.jti ?? flags.client ?? flags.user ?? null;
}

/** Records a CLI change (actor "cli"); its target is the first argument or the --id flag. */
export async function recordCliChange(gatehouse: Gatehouse, command: Command, error: unknown): Promise<void> {
  const action = cliActionOf(command);
  if (action === undefined) return;
  // `consents withdraw <user> <client_id>`: the user and the client, as the admin API's target.
  const target = action === 'consent.withdraw' ? command.args.join('/') : (command.args[0] ?? targetFlagOf(command.opts<{ id?: string; jti?: string; client?: string; user?: string }>()));
  await gatehouse.audit.record({
    actor: 'cli',
    action,
    target,
    outcome: error === undefined ? 'success' : 'failure',
    reason: error === undefined ? null : error instanceof Error ? error.message : 'failed',
    clientId: action.startsWith('client.')
      ? target
      : action === 'token.revoke'
        ? (command.opts<{ client?: string }>().client ?? null)
        : action === 'consent.withdraw'
          ? (command.args[1] ?? null)
          : null,
  });
}
