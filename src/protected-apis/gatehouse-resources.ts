import type { FastifyInstance } from 'fastify';
import { lenientJsonBodies } from '../http/json-body.js';
import type { Logger } from 'pino';
import type { ClientDirectory } from '../clients/client-directory.js';
import type { GatehouseConfig } from '../config/config.js';
import type { UserRegistry } from '../users/user-registry.js';
import type { TokenDeliverySettings } from './token-delivery.js';
import type { AccessTokenVerifier } from '../oauth/access-token-verifier.js';
import { CommandRegistry } from './commands/command-registry.js';
import { USERS_SCOPE } from './reserved-scopes.js';
import { registerCommandsApi } from './commands/commands-api.js';
import { PROTECTED_RESOURCE_METADATA_PATH, protectGroup } from './protect.js';
import { ResourceGuard } from './resource-guard.js';
import { requestTokenReader } from './request-token.js';
import { renewCookieTokens, type CookieRenewalServices } from './cookie-renewal.js';
import { cookieUnsafeMethodCheck } from './cookie-unsafe-method.js';
import cors from '@fastify/cors';
import { registerUserRoutes } from './users-api.js';

export { USERS_SCOPE };

/** What Gatehouse's own protected resources use of the assembled services. */
export interface GatehouseResourcesServices {
  config: GatehouseConfig;
  logger: Logger;
  directory: ClientDirectory;
  users: UserRegistry;
  tokenDelivery: TokenDeliverySettings;
}

/** Gatehouse's own protected resources (the user API, server commands) and their RFC 9728 metadata. */
export async function gatehouseResources(
  app: FastifyInstance,
  options: { gatehouse: GatehouseResourcesServices; verifier: AccessTokenVerifier; renewal: CookieRenewalServices; commands?: CommandRegistry },
): Promise<void> {
  const { gatehouse } = options;
  const commands = options.commands ?? (await CommandRegistry.fromConfig(gatehouse.config));
  // The user-API scope under its configured name; its aliases stand in for it.
  const [usersScope = USERS_SCOPE, ...usersAliases] = commands.scopeNames.users;
  const guard = new ResourceGuard(options.verifier, {
    audiences: () => [gatehouse.config.issuer],
    clockToleranceSeconds: gatehouse.config.clockTolerance,
    aliases: new Map([[usersScope, usersAliases]]),
  });
  const metadataUrl = () => `${gatehouse.config.issuer}${PROTECTED_RESOURCE_METADATA_PATH}`;
  const tokenOf = requestTokenReader({ header: () => gatehouse.tokenDelivery.current().header_name, cookie: () => gatehouse.tokenDelivery.current().cookie_name });
  // A cookie token's unsafe requests need a JSON body or an Origin its client allows (no cross-site forms).
  const checkCaller = cookieUnsafeMethodCheck((clientId) => gatehouse.directory.get(clientId)?.allowedOrigins ?? []);
  if (commands.all().length > 0) gatehouse.logger.info({ commands: commands.all().length, apps: commands.applicationNames() }, 'server commands loaded');

  app.get(PROTECTED_RESOURCE_METADATA_PATH, async (_request, reply) => {
    reply.header('Cache-Control', 'public, max-age=60');
    return {
      resource: gatehouse.config.issuer,
      authorization_servers: [gatehouse.config.issuer],
      scopes_supported: [...new Set([...commands.scopeNames.users, ...commands.scopeNames.commands, ...commands.scopes()])],
      bearer_methods_supported: ['header'],
      // Also accepted: the configured extra header and cookie (see the README).
      resource_name: 'Gatehouse user API and server commands',
    };
  });

  await app.register(
    async (api) => {
      lenientJsonBodies(api);
      // Declared up front so every request object has the same shape (fastify's advice for per-request fields).
      api.decorateRequest('caller', undefined);
      api.decorateRequest('tokenSource', undefined);
      // CORS with credentials only for exact origins an enabled, unexpired client lists.
      await api.register(cors, {
        origin: (origin, callback) => callback(null, origin !== undefined && gatehouse.directory.isAllowedOrigin(origin, Date.now())),
        credentials: true,
        methods: ['GET', 'POST', 'PATCH', 'DELETE'],
        maxAge: 600,
      });
      api.addHook('onSend', renewCookieTokens(options.renewal));
      api.addHook('onSend', async (_request, reply, payload) => {
        reply.header('Cache-Control', 'no-store');
        return payload;
      });
      await api.register(async (usersApi) => {
        usersApi.addHook('onRequest', protectGroup(guard, { scope: usersScope }, metadataUrl, tokenOf, checkCaller));
        registerUserRoutes(usersApi, gatehouse.users, { unlock: false, roles: { adminRole: () => gatehouse.config.userAdminRole, resourceMetadataUrl: metadataUrl } });
      });
      await registerCommandsApi(api, { registry: commands, guard, resourceMetadataUrl: metadataUrl, defaultTimeoutMs: gatehouse.config.commandTimeoutMs, tokenOf, checkCaller });
    },
    { prefix: '/api' },
  );
}
