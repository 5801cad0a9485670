import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminApi } from '../admin/admin-api.js';
import type { Gatehouse } from '../gatehouse.js';
import { oauthEndpoints } from '../oauth/endpoints/oauth-endpoints.js';
import { gatehouseResources } from '../resources/gatehouse-resources.js';
import { createOAuthServices } from '../oauth/oauth-services.js';
import { installErrorHandling } from './error-handler.js';
import { registerHealthEndpoints } from './health.js';
import { CommandRegistry } from '../resources/commands/command-registry.js';
import { adminConsole } from '../admin/console.js';

/** Assembles the HTTP server: error handling, health, the authorization server and the admin API. */
export async function buildServer(gatehouse: Gatehouse): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger and fastify's logger type differ only in generics.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: gatehouse.logger as FastifyBaseLogger,
    // Per-request lines cost throughput on the hot path; they are on at debug level.
    logController: new LogController({ disableRequestLogging: gatehouse.logger.level !== 'debug' && gatehouse.logger.level !== 'trace' }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  installErrorHandling(app);
  await app.register(cookie);
  registerHealthEndpoints(app, gatehouse);
  // One set of OAuth services: the token endpoint and the resources share its verified-token cache.
  const services = createOAuthServices(gatehouse);
  await app.register(oauthEndpoints, { gatehouse, services });
  // Loaded once: the resources serve the commands, the admin API lists them.
  const commands = await CommandRegistry.fromFolder(gatehouse.config.commandsDir);
  await app.register(gatehouseResources, { gatehouse, services, commands });
  await app.register(adminApi, { gatehouse, commands, prefix: '/admin/api' });
  await app.register(adminConsole, { prefix: '/admin' });
  return app;
}
