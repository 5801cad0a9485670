import type { FastifyInstance } from 'fastify';
import { DEFAULT_ACCESS_TOKEN_LIFETIME, type ServerSettingsJson } from './wire.js';
import type { GatehouseConfig } from '../config/config.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChangeFeed } from '../changes/change-feed.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { UserRegistry } from '../users/user-registry.js';
import type { AdminSessions } from '../admin-accounts/admin-sessions.js';
import type { ConsoleSignIn } from '../admin-accounts/console-sign-in.js';
import type { TokenDeliverySettings } from '../protected-apis/token-delivery.js';
import type { AdminToken } from './admin-token.js';
import type { KeysApiServices } from './keys-api.js';
import type { ProfilesApiServices } from './profiles-api.js';
import type { SignInStores } from '../sign-in/sign-in-stores.js';
import type { UsersStore } from '../users/users-store.js';
import { registerSignInDataApi } from './sign-in-data-api.js';
import { registerBrandingApi } from './branding-api.js';
import type { BrandingSettingStore } from './branding-input.js';
import { adminAuthentication } from './admin-auth.js';
import { registerSessionApi } from './session-api.js';
import { auditAdminChanges, type AdminAuthFailureCounter } from './admin-audit.js';
import { registerAuditApi } from './audit-api.js';
import { registerApplicationsApi } from './applications-api.js';
import { registerCommandsAdminApi } from './commands-admin-api.js';
import { StoredCommands } from '../protected-apis/commands/stored-commands.js';
import type { StoredCommandsStore } from '../protected-apis/commands/stored-commands-store.js';
import type { CommandRegistry } from '../protected-apis/commands/command-registry.js';
import { registerClientsApi } from './clients-api.js';
import { registerCommandTrialApi } from './command-trial-api.js';
import { registerClientKeysApi } from './client-keys-api.js';
import { registerKeysApi } from './keys-api.js';
import { registerProfilesApi } from './profiles-api.js';
import { registerClientPinApi } from './client-pin-api.js';
import { lenientJsonBodies } from '../http/json-body.js';
import { registerUserRoutes } from '../protected-apis/users-api.js';

/** What the admin REST API uses of the assembled services. */
export interface AdminApiServices extends KeysApiServices, ProfilesApiServices {
  config: GatehouseConfig;
  adminToken: AdminToken;
  adminSessions: AdminSessions;
  consoleSignIn: ConsoleSignIn;
  audit: AuditLog;
  clients: ClientRegistry;
  users: UserRegistry;
  tokenDelivery: TokenDeliverySettings;
  changes: Pick<ChangeFeed, 'pollNow'>;
  usersRepository: Pick<UsersStore, 'get' | 'findByIdOrUsername'>;
  signInStores: Pick<SignInStores, 'sessions' | 'consents'>;
  settings: BrandingSettingStore;
  /** Declarative commands authored here (the database's). */
  storedCommands: StoredCommandsStore;
}

/** The admin REST API, mounted under /admin/api. */
export async function adminApi(app: FastifyInstance, options: { gatehouse: AdminApiServices; commands: CommandRegistry; authFailures?: AdminAuthFailureCounter | undefined }): Promise<void> {
  app.addHook('onRequest', adminAuthentication(options.gatehouse.adminToken, options.gatehouse.adminSessions));
  lenientJsonBodies(app);
  app.addHook('onSend', auditAdminChanges(options.gatehouse.audit, options.authFailures));
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff');
    return payload;
  });
  registerSessionApi(app, options.gatehouse);
  registerAuditApi(app, options.gatehouse.audit);
  registerApplicationsApi(app, options.commands);
  const storedCommands = new StoredCommands(options.commands, options.gatehouse.storedCommands, () => options.gatehouse.changes.pollNow());
  registerCommandsAdminApi(app, { commands: options.commands, storedCommands });
  registerCommandTrialApi(app, { commands: options.commands, defaultTimeoutMs: () => options.gatehouse.config.commandTimeoutMs });
  registerClientsApi(app, options.gatehouse.clients);
  registerClientKeysApi(app, options.gatehouse.clients);
  registerKeysApi(app, options.gatehouse);
  registerProfilesApi(app, options.gatehouse);
  registerClientPinApi(app, options.gatehouse);
  app.get('/settings/token-delivery', async () => options.gatehouse.tokenDelivery.current());
  app.patch('/settings/token-delivery', async (request) => {
    const updated = await options.gatehouse.tokenDelivery.update(request.body);
    await options.gatehouse.changes.pollNow();
    request.log.info('token-delivery settings changed');
    return updated;
  });
  app.get('/settings/server', async () => serverSettings(options.gatehouse.config));
  registerUserRoutes(app, options.gatehouse.users, { unlock: true });
  registerSignInDataApi(app, options.gatehouse);
  registerBrandingApi(app, options.gatehouse);
}

/** The configuration values an administrator may want to see (read-only; set by environment or file). Never secrets. */
function serverSettings(config: GatehouseConfig): ServerSettingsJson {
  return {
    issuer: config.issuer,
    store: config.databaseUrl === undefined ? 'sqlite' : 'postgres',
    signing_alg: config.signingAlg,
    max_token_lifetime: config.maxTokenLifetime,
    default_client_token_lifetime: DEFAULT_ACCESS_TOKEN_LIFETIME,
    secret_rotation_grace: config.secretRotationGrace,
    key_activation_delay: config.keyActivationDelay,
    lockout_threshold: config.lockoutThreshold,
    lockout_window: config.lockoutWindow,
    lockout_duration: config.lockoutDuration,
    password_rate_limit_per_client: config.passwordRateLimitPerClient,
    password_rate_limit_per_address: config.passwordRateLimitPerAddress,
    token_rate_limit_per_client: config.tokenRateLimitPerClient,
    token_rate_limit_per_address: config.tokenRateLimitPerAddress,
    token_rate_limit_window: config.tokenRateLimitWindow,
    registration_rate_limit_per_address: config.registrationRateLimitPerAddress,
    admin_session_idle: config.adminSessionIdle,
    admin_session_max: config.adminSessionMax,
    admin_sign_in_limit_per_username: config.adminSignInLimitPerUsername,
    admin_sign_in_limit_per_address: config.adminSignInLimitPerAddress,
    // The configured names of the user-API and all-commands scopes; aliases comma-separated ('' when none).
    users_scope: config.usersScope,
    users_scope_aliases: config.usersScopeAliases.join(','),
    commands_scope: config.commandsScope,
    commands_scope_aliases: config.commandsScopeAliases.join(','),
  };
}
