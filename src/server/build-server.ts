import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminApi } from '../admin/admin-api.js';
import type { Gatehouse } from '../gatehouse.js';
import { oauthEndpoints } from '../oauth/endpoints/oauth-endpoints.js';
import { gatehouseResources } from '../resources/gatehouse-resources.js';
import { createOAuthServices } from '../oauth/oauth-services.js';
import { installErrorHandling } from './error-handler.js';
import { lazyChildLoggerFactory } from './lazy-request-logger.js';
import { registerHealthEndpoints } from './health.js';
import { clusterMetricsSource } from './cluster-metrics.js';
import { installSecurityHeaders } from './security-headers.js';
import { frameworkErrorAnswer, installInputGuard } from './input-guard.js';
import { GatehouseMetrics } from './metrics.js';
import { connectRateLimitStore } from './rate-limit-store.js';
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
    // The per-request child logger is made only when a request logs.
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For counts only when the connection comes from a configured proxy.
    trustProxy: gatehouse.config.trustedProxies.length > 0 ? gatehouse.config.trustedProxies : false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorAnswer(() => gatehouse.config.issuer),
  });
  installErrorHandling(app, gatehouse.availability);
  installSecurityHeaders(app);
  installInputGuard(app, { issuer: () => gatehouse.config.issuer });
  await app.register(cookie);
  // One set of OAuth services: the token endpoint and the resources share its verified-token cache.
  const services = createOAuthServices(gatehouse);
  if (gatehouse.config.metrics) services.metrics = installMetrics(app, gatehouse, services);
  const rateLimitStore = connectRateLimitStore(gatehouse.config.redisUrl, gatehouse.config.redisKeyPrefix, gatehouse.logger);
  if (rateLimitStore) {
    services.rateLimitStore = rateLimitStore;
    app.addHook('onClose', () => rateLimitStore.close());
    // Counting starts with the first request; without a connection, requests would pass uncounted.
    await rateLimitStore.ready();
  }
  registerHealthEndpoints(app, gatehouse);
  await app.register(oauthEndpoints, { gatehouse, services });
  // Loaded once: the resources serve the commands, the admin API lists them.
  const commands = await CommandRegistry.fromFolder(gatehouse.config.commandsDir);
  await app.register(gatehouseResources, { gatehouse, services, commands });
  await app.register(adminApi, { gatehouse, commands, prefix: '/admin/api' });
  await app.register(adminConsole, { prefix: '/admin' });
  return app;
}

/** `GET /metrics` and the hooks that feed it, watching the caches of this server. */
function installMetrics(app: FastifyInstance, gatehouse: Gatehouse, services: ReturnType<typeof createOAuthServices>): GatehouseMetrics {
  const metrics = new GatehouseMetrics();
  metrics.watchCache('clients', gatehouse.directory.stats);
  metrics.watchCache('signing_keys', gatehouse.keys.stats);
  metrics.watchCache('revocations', gatehouse.revocations.stats);
  metrics.watchCache('verified_tokens', services.verifier.stats);
  metrics.watchCache('user_status', gatehouse.userStatus.stats);
  metrics.watchPool(gatehouse.store.poolStats);
  metrics.watchAuditQueue(() => gatehouse.audit.queueStats);
  // Under `serve --workers`, a scrape answers for all workers together.
  metrics.install(app, { token: gatehouse.config.metricsToken, collect: clusterMetricsSource(metrics.registry) });
  return metrics;
}
