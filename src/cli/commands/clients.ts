import type { Command } from 'commander';
import { toClientMetadata, type ClientMetadata } from '../../clients/client-metadata.js';
import { splitScopeList } from '../../shared/scope.js';
import { CliError, printJson, withGatehouse } from '../context.js';
import { namingFlags } from '../flag-errors.js';
import { pagingOf, withListOptions, type ListFlags } from '../list-options.js';
import { printTable } from '../table.js';
import { clientStatus } from '../../clients/client-status.js';
import { registerClientKeyCommands } from './client-keys.js';
import { passwordFrom } from './users.js';

interface ClientFlags {
  id?: string;
  name?: string;
  secret?: string;
  grantTypes?: string;
  scopes?: string;
  defaultScope?: string;
  rolesClaim?: boolean;
  lifetime?: string;
  refreshTokenLifetime?: string;
  refreshTokens?: boolean;
  authMethod?: string;
  expiresAt?: string;
  origins?: string;
  disabled?: boolean;
  actForUsers?: boolean;
  profile?: string;
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  skipConsent?: boolean;
  requirePar?: boolean;
  public?: boolean;
  json?: boolean;
}

/** Which flag sets which metadata field, so that errors name the flag the user typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  client_id: '--id',
  client_name: '--name',
  client_secret: '--secret',
  grant_types: '--grant-types',
  scope: '--scopes',
  default_scope: '--default-scope',
  roles_claim: '--roles-claim',
  access_token_lifetime: '--lifetime',
  refresh_token_lifetime: '--refresh-token-lifetime',
  refresh_tokens: '--refresh-tokens',
  token_endpoint_auth_method: '--auth-method',
  expires_at: '--expires-at',
  allowed_origins: '--origins',
  profile: '--profile',
  redirect_uris: '--redirect-uri',
  post_logout_redirect_uris: '--post-logout-redirect-uri',
  skip_consent: '--skip-consent',
  require_pushed_authorization_requests: '--require-par',
};

function list(value: string): string[] {
  return splitScopeList(value);
}

/** The URIs of a repeatable URI flag; `none` alone clears them. URIs are not split on commas (a URI may hold one). */
function uris(values: string[], flag: string): string[] {
  if (values.length === 1 && values[0] === 'none') return [];
  if (values.includes('none')) throw new CliError(`${flag}: "none" clears the list and cannot be given with URIs`);
  return values;
}

/** Turns flags into the admin API's metadata body, so both share one validation. */
function metadataFromFlags(flags: ClientFlags, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (flags.id !== undefined && mode === 'create') body.client_id = flags.id;
  if (flags.name !== undefined) body.client_name = flags.name;
  if (flags.secret !== undefined) body.client_secret = flags.secret;
  if (flags.grantTypes !== undefined) body.grant_types = list(flags.grantTypes);
  if (flags.scopes !== undefined) body.scope = list(flags.scopes).join(' ');
  if (flags.defaultScope !== undefined) body.default_scope = flags.defaultScope === 'all' ? null : flags.defaultScope === 'none' ? '' : list(flags.defaultScope).join(' ');
  if (flags.rolesClaim !== undefined) body.roles_claim = flags.rolesClaim;
  if (flags.lifetime !== undefined) body.access_token_lifetime = flags.lifetime;
  if (flags.refreshTokens !== undefined) body.refresh_tokens = flags.refreshTokens;
  if (flags.refreshTokenLifetime !== undefined) body.refresh_token_lifetime = flags.refreshTokenLifetime;
  if (flags.public) {
    if (flags.authMethod !== undefined && flags.authMethod !== 'none') throw new CliError('--public is --auth-method none; give one of them');
    body.token_endpoint_auth_method = 'none';
    // A public client may use only the authorization code grant: the default for a new one.
    if (mode === 'create' && flags.grantTypes === undefined) body.grant_types = ['authorization_code'];
  } else if (flags.authMethod !== undefined) body.token_endpoint_auth_method = flags.authMethod;
  if (flags.expiresAt !== undefined) body.expires_at = flags.expiresAt === 'never' ? null : flags.expiresAt;
  if (flags.origins !== undefined) body.allowed_origins = list(flags.origins);
  if (flags.disabled) body.enabled = false;
  if (flags.actForUsers !== undefined) body.may_act_for_users = flags.actForUsers;
  if (flags.profile !== undefined) body.profile = flags.profile === 'none' ? null : flags.profile;
  if (flags.redirectUri !== undefined) body.redirect_uris = uris(flags.redirectUri, '--redirect-uri');
  if (flags.postLogoutRedirectUri !== undefined) body.post_logout_redirect_uris = uris(flags.postLogoutRedirectUri, '--post-logout-redirect-uri');
  if (flags.skipConsent !== undefined) body.skip_consent = flags.skipConsent;
  if (flags.requirePar !== undefined) body.require_pushed_authorization_requests = flags.requirePar;
  return body;
}

function describe(client: ClientMetadata): string {
  return [
    `client_id:              ${client.client_id}`,
    `client_name:            ${client.client_name}`,
    `status:                 ${clientStatus(client)}`,
    `grant_types:            ${client.grant_types.join(', ')}`,
    `scope:                  ${client.scope}`,
    `default_scope:          ${client.default_scope === null ? "(not set: the profile's, else every allowed element)" : client.default_scope === '' ? '(none)' : client.default_scope}`,
    `roles_claim:            ${client.roles_claim}`,
    `auth method:            ${client.token_endpoint_auth_method}${client.token_endpoint_auth_method === 'none' ? ' (public client)' : ''}`,
    `access_token_lifetime:  ${client.access_token_lifetime}${client.access_token_lifetime === 0 ? " (server's maximum)" : ' s'}`,
    `refresh_tokens:         ${client.refresh_tokens}${client.refresh_tokens ? ` (lifetime ${client.refresh_token_lifetime} s)` : ''}`,
    `expires_at:             ${client.expires_at ?? 'never'}`,
    `allowed_origins:        ${client.allowed_origins.join(', ')}`,
    `profile:                ${client.profile ?? '(none)'}`,
    `redirect_uris:          ${client.redirect_uris.join(' ')}`,
    `post_logout_redirect_uris: ${client.post_logout_redirect_uris.join(' ')}`,
    `skip_consent:           ${client.skip_consent}`,
    `require PAR:            ${client.require_pushed_authorization_requests}`,
    `PIN:                    ${client.pin_set ? 'set' : 'not set'}`,
    `updated_at:             ${client.updated_at}`,
  ].join('\n');
}

function addMetadataOptions(command: Command): Command {
  return command
    .option('--name <name>', 'client name (shown in logs)')
    .option('--grant-types <list>', 'client_credentials, password, authorization_code, comma-separated')
    .option('--scopes <list>', 'allowed scope elements, comma- or space-separated')
    .option(
      '--default-scope <list>',
      'scope of a token request without one, comma- or space-separated; "none": no scope; "all": not set (the profile\'s default scope, else every allowed element; the default)',
    )
    .option('--roles-claim', "user tokens carry the user's roles without the roles scope (access token, ID token, UserInfo)")
    .option('--no-roles-claim', 'roles only with the roles scope (the default)')
    .option('--lifetime <seconds>', "access-token lifetime, 0 up to the server's maximum token lifetime (0: the server's maximum)")
    .option('--refresh-tokens', 'issue refresh tokens (adds offline_access; not for client_credentials only)')
    .option('--no-refresh-tokens', 'do not issue refresh tokens')
    .option('--refresh-token-lifetime <seconds>', 'refresh-token lifetime in seconds (default: GATEHOUSE_REFRESH_TOKEN_LIFETIME)')
    .option('--auth-method <method>', 'client_secret_basic, client_secret_post, private_key_jwt or none (a public client)')
    .option('--public', 'a public client (browser or native app): --auth-method none, authorization_code only')
    .option('--redirect-uri <uri...>', 'redirect URIs for the authorization code flow (repeat or list them; "none" clears; replaces them)')
    .option('--post-logout-redirect-uri <uri...>', 'where sign-out may return to (repeat or list them; "none" clears; replaces them)')
    .option('--skip-consent', 'a first-party client: no consent page')
    .option('--no-skip-consent', 'ask for consent')
    .option('--require-par', 'require pushed authorization requests (RFC 9126)')
    .option('--no-require-par', 'accept authorization requests without PAR')
    .option('--expires-at <date>', 'ISO date after which the client is refused ("never" to clear)')
    .option('--origins <list>', 'allowed browser origins, comma-separated')
    .option('--act-for-users', 'may obtain tokens for users with a signed assertion (JWT-bearer grant)')
    .option('--no-act-for-users', 'may not act for users')
    .option('--profile <name>', 'security profile of the client ("none" to clear)')
    .option('--json', 'machine-readable output');
}

export function registerClientsCommands(program: Command): void {
  const clients = program.command('clients').description('the client registry');
  registerClientKeyCommands(clients);

  addMetadataOptions(
    clients
      .command('create')
      .description('register a client; prints its secret once')
      .option('--id <client_id>', 'client id (generated when omitted)')
      .option('--secret <secret>', 'set the secret yourself (at least 20 characters; generated when omitted)')
      .option('--disabled', 'create it disabled'),
  ).action(async (flags: ClientFlags, command: Command) => {
    await withGatehouse(command, async (gatehouse) => {
      const changes = await namingFlags(FLAG_OF_FIELD, () => gatehouse.clients.parseChanges(metadataFromFlags(flags, 'create'), 'create'));
      const { client, clientSecret } = await namingFlags(FLAG_OF_FIELD, () => gatehouse.clients.create(changes));
      const metadata = { ...toClientMetadata(client), client_secret: clientSecret };
      if (clientStatus(metadata) === 'expired')
        process.stderr.write(`warning: --expires-at ${metadata.expires_at} has passed: the client is refused until it is moved (clients update ${metadata.client_id} --expires-at ...)\n`);
      if (flags.json) printJson(metadata);
      else if (clientSecret === null) process.stdout.write(`${describe(metadata)}\n\nA public client: it has no secret.\n`);
      else process.stdout.write(`${describe(metadata)}\nclient_secret:          ${clientSecret}\n\nStore the secret now: it is not shown again.\n`);
    });
  });

  withListOptions(clients.command('list').description('list clients'), 'filter by id or name').action(async (flags: ListFlags, command: Command) => {
    const paging = pagingOf(flags);
    await withGatehouse(command, async (gatehouse) => {
      const { clients: found, total } = await gatehouse.clients.list(paging);
      const metadata = found.map(toClientMetadata);
      if (flags.json) return printJson({ clients: metadata, total });
      printTable(
        ['CLIENT ID', 'STATUS', 'TYPE', 'GRANT TYPES', 'NAME'],
        metadata.map((client) => [client.client_id, clientStatus(client), client.token_endpoint_auth_method === 'none' ? 'public' : 'confidential', client.grant_types.join(','), client.client_name]),
      );
      process.stdout.write(`${metadata.length} of ${total} client(s)\n`);
    });
  });

  clients
    .command('show <client_id>')
    .description('show one client')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const metadata = toClientMetadata(await gatehouse.clients.get(clientId));
        if (flags.json) printJson(metadata);
        else process.stdout.write(`${describe(metadata)}\n`);
      });
    });

  addMetadataOptions(clients.command('update <client_id>').description('change a client')).action(async (clientId: string, flags: ClientFlags, command: Command) => {
    await withGatehouse(command, async (gatehouse) => {
      const changes = await namingFlags(FLAG_OF_FIELD, () => gatehouse.clients.parseChanges(metadataFromFlags(flags, 'update'), 'update', clientId));
      const metadata = toClientMetadata(await namingFlags(FLAG_OF_FIELD, () => gatehouse.clients.update(clientId, changes)));
      if (flags.json) printJson(metadata);
      else process.stdout.write(`${describe(metadata)}\n`);
    });
  });

  clients
    .command('rotate-secret <client_id>')
    .description('give the client a new secret; the old one works for a grace period')
    .option('--secret <secret>', 'set the new secret yourself (at least 20 characters)')
    .option('--grace <seconds>', 'seconds the previous secret keeps working (default: GATEHOUSE_SECRET_ROTATION_GRACE; 0: stop at once)')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, flags: { secret?: string; grace?: string; json?: boolean }, command: Command) => {
      if (flags.grace !== undefined && (!/^\d+$/.test(flags.grace) || Number(flags.grace) > 30 * 86400)) {
        throw new CliError('--grace must be an integer from 0 to 2592000');
      }
      await withGatehouse(command, async (gatehouse) => {
        const rotation = await namingFlags(FLAG_OF_FIELD, () =>
          gatehouse.clients.rotateSecret(clientId, { clientSecret: flags.secret, graceSeconds: flags.grace === undefined ? undefined : Number(flags.grace) }),
        );
        const until = rotation.previousSecretExpiresAt === null ? null : new Date(rotation.previousSecretExpiresAt).toISOString();
        if (flags.json) printJson({ client_id: clientId, client_secret: rotation.clientSecret, previous_secret_expires_at: until });
        else {
          process.stdout.write(`client_secret: ${rotation.clientSecret}\n`);
          process.stdout.write(until ? `the previous secret works until ${until}\n` : 'the previous secret no longer works\n');
        }
      });
    });

  clients
    .command('pin <client_id>')
    .description('set, change (--pin, --pin-stdin) or remove (--clear) the PIN of the PinCode check; a new PIN restarts the check')
    .option('--pin <pin>', 'the PIN (4 to 64 visible ASCII characters)')
    .option('--pin-stdin', 'read the PIN from standard input (no shell history)')
    .option('--clear', 'remove the PIN')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, flags: { pin?: string; pinStdin?: boolean; clear?: boolean; json?: boolean }, command: Command) => {
      if (flags.clear && (flags.pin !== undefined || flags.pinStdin)) throw new CliError('use --pin, --pin-stdin or --clear, not several');
      if (flags.pin !== undefined && flags.pinStdin) throw new CliError('use --pin or --pin-stdin, not both');
      if (!flags.clear && flags.pin === undefined && !flags.pinStdin) throw new CliError('give --pin <pin>, --pin-stdin or --clear');
      const pin = flags.clear ? null : await passwordFrom({ password: flags.pin, passwordStdin: flags.pinStdin });
      await withGatehouse(command, async (gatehouse) => {
        const metadata = toClientMetadata(await gatehouse.clients.setPin(clientId, pin));
        if (flags.json) printJson({ client_id: clientId, pin_set: metadata.pin_set });
        else process.stdout.write(`client ${clientId}: PIN ${metadata.pin_set ? 'set' : 'removed'}\n`);
      });
    });

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    clients
      .command(`${name} <client_id>`)
      .description(`${name} a client`)
      .option('--json', 'machine-readable output')
      .action(async (clientId: string, flags: { json?: boolean }, command: Command) => {
        await withGatehouse(command, async (gatehouse) => {
          const metadata = toClientMetadata(await gatehouse.clients.update(clientId, { enabled }));
          if (flags.json) printJson(metadata);
          else process.stdout.write(`client ${clientId} ${enabled ? 'enabled' : 'disabled'}\n`);
        });
      });
  }

  clients
    .command('delete <client_id>')
    .description('delete a client')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        await gatehouse.clients.delete(clientId);
        if (flags.json) printJson({ client_id: clientId, deleted: true });
        else process.stdout.write(`client ${clientId} deleted\n`);
      });
    });
}
