import type { Command } from 'commander';
import type { Gatehouse } from '../gatehouse.js';

/** Subcommands that only read. */
const READ_ONLY = new Set(['list', 'show', 'keys', 'serve', 'migrate', 'pull', 'schema']);

/** Audit names of CLI changes, matching those of the admin API where both can do the same. */
const ACTIONS: Record<string, string> = {
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
  'tokens create': 'profile.create_initial_access_token',
  'tokens revoke': 'profile.revoke_initial_access_token',
  'keys rotate': 'signing_key.rotate',
  'admins create': 'admin.create',
  'admins delete': 'admin.delete',
  'admins set-password': 'admin.set_password',
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
  const parent = command.parent?.parent ? command.parent.name() : undefined;
  const name = command.name();
  if (READ_ONLY.has(name)) return undefined;
  const key = parent ? `${parent} ${name}` : name;
  // `clients pin` sets a PIN or, with --clear, removes it: the admin API's PUT and DELETE.
  if (key === 'clients pin') return command.opts<{ clear?: boolean }>().clear ? 'client.remove_pin' : 'client.set_pin';
  return ACTIONS[key] ?? key.replace(' ', '.');
}

/** Records a CLI change (actor "cli"); its target is the first argument or the --id flag. */
export async function recordCliChange(gatehouse: Gatehouse, command: Command, error: unknown): Promise<void> {
  const action = cliActionOf(command);
  if (action === undefined) return;
  // `consents withdraw <user> <client_id>`: the user and the client, as the admin API's target.
  const target = action === 'consent.withdraw' ? command.args.join('/') : (command.args[0] ?? command.opts<{ id?: string }>().id ?? null);
  await gatehouse.audit.record({
    actor: 'cli',
    action,
    target,
    outcome: error === undefined ? 'success' : 'failure',
    reason: error === undefined ? null : error instanceof Error ? error.message : 'failed',
    clientId: action.startsWith('client.') ? target : action === 'consent.withdraw' ? (command.args[1] ?? null) : null,
  });
}
