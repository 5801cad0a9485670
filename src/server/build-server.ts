import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminApi } from '../admin-api/admin-api.js';
import type { Gatehouse } from '../gatehouse.js';
import { oauthEndpoints } from '../oauth/endpoints/oauth-endpoints.js';
import { gatehouseResources } from '../protected-apis/gatehouse-resources.js';
import { cookieRenewalServices, createOAuthServices, oauthEndpointServices } from './oauth-services.js';
import { answerClientError, installErrorHandling } from './error-handler.js';
import { requestTimeouts } from './request-timeouts.js';
import { lazyChildLoggerFactory } from './lazy-request-logger.js';
import { registerHealthEndpoints } from './health.js';
import { clusterMetricsSource } from './cluster-metrics.js';
import { installSecurityHeaders } from './security-headers.js';
import { frameworkErrorAnswer, installInputGuard } from './input-guard.js';
import { clientLabel, GatehouseMetrics, NO_TOKEN_METRICS } from './metrics.js';
import { connectRateLimitStore } from '../limits/rate-limit-store.js';
import { RedisAttemptCounters } from './redis-attempt-counters.js';
import { AttemptCountersRepository } from '../store/attempt-counters-repository.js';
import { CommandRegistry } from '../protected-apis/commands/command-registry.js';
import { followStoredCommands } from '../protected-apis/commands/stored-commands-sync.js';
import { adminConsole } from '../admin-api/console.js';
import { signInPages } from '../sign-in-pages/sign-in-pages.js';
import { signInPagesServices } from './sign-in-services.js';
import { NO_SIGN_IN_METRICS } from '../oauth/authorization/flow-types.js';
import { scopeDescriber } from './scope-descriptions.js';

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
    // Slow clients are cut off: a request arrives whole in time (408 otherwise), a stalled connection is closed.
    ...requestTimeouts(gatehouse.config),
    clientErrorHandler: answerClientError,
    frameworkErrors: frameworkErrorAnswer(() => gatehouse.config.issuer),
  });
  installErrorHandling(app, gatehouse.availability);
  installSecurityHeaders(app);
  installInputGuard(app, { issuer: () => gatehouse.config.issuer });
  await app.register(cookie);
  // One set of OAuth services: the token endpoint and the resources share its verified-token cache.
  const services = createOAuthServices(gatehouse);
  const metrics = gatehouse.config.metrics ? installMetrics(app, gatehouse, services) : undefined;
  const rateLimitStore = connectRateLimitStore(gatehouse.config.redisUrl, gatehouse.config.redisKeyPrefix, gatehouse.logger);
  if (rateLimitStore) {
    // Password checks too count in Redis, with the database's counters while Redis is unreachable.
    gatehouse.attempts.countIn(new RedisAttemptCounters(rateLimitStore.redis, rateLimitStore.keyPrefix, new AttemptCountersRepository(gatehouse.store.db, gatehouse.store.batchWriter)));
    app.addHook('onClose', () => rateLimitStore.close());
    // Counting starts with the first request; without a connection, requests would pass uncounted.
    await rateLimitStore.ready();
  }
  registerHealthEndpoints(app, gatehouse);
  // The folder's commands are loaded once; the stored ones follow the change feed. The resources serve the
  // commands, the admin API lists and edits them, discovery names their scopes.
  const commands = await CommandRegistry.fromConfig(gatehouse.config);
  await followStoredCommands(commands, gatehouse.storedCommands, gatehouse.changes, gatehouse.logger);
  // The scopes the resources require (as their RFC 9728 metadata lists them): a protected application's name, or what its commands declare.
  const resourceScopes = () => [...commands.scopeNames.users, ...commands.scopeNames.commands, ...commands.scopes()];
  await app.register(oauthEndpoints, oauthEndpointServices(gatehouse, services, { metrics: metrics ?? NO_TOKEN_METRICS, rateLimitStore, resourceScopes }));
  await app.register(signInPages, signInPagesServices(gatehouse, services, { scopeDescription: scopeDescriber(commands, commands.scopeNames), metrics: metrics ?? NO_SIGN_IN_METRICS }));
  await app.register(gatehouseResources, { gatehouse, verifier: services.verifier, renewal: cookieRenewalServices(gatehouse, services), commands });
  await app.register(adminApi, { gatehouse, commands, prefix: '/admin/api', authFailures: metrics });
  await app.register(adminConsole, { prefix: '/admin' });
  return app;
}

/**
 * The hooks that feed the metrics and `GET /metrics`: on the main address for bearers of
 * GATEHOUSE_METRICS_TOKEN (401 to everyone when it is not set), or only on GATEHOUSE_METRICS_LISTEN.
 */
function installMetrics(app: FastifyInstance, gatehouse: Gatehouse, services: ReturnType<typeof createOAuthServices>): GatehouseMetrics {
  const { config } = gatehouse;
  const metrics = new GatehouseMetrics((clientId) => clientLabel(gatehouse.directory.get(clientId)));
  metrics.watchCache('clients', gatehouse.directory.stats);
  metrics.watchCache('signing_keys', gatehouse.keys.stats);
  metrics.watchCache('revocations', gatehouse.revocations.stats);
  metrics.watchCache('verified_tokens', services.verifier.stats);
  metrics.watchCache('user_status', gatehouse.userStatus.stats);
  metrics.watchPool(gatehouse.store.poolStats);
  metrics.watchAuditQueue(() => gatehouse.audit.queueStats);
  metrics.install(app);
  // Under `serve --workers`, a scrape answers for all workers together.
  const collect = clusterMetricsSource(metrics.registry);
  const token = config.metricsToken;
  if (config.metricsListen === undefined) {
    metrics.serve(app, { access: token === undefined ? 'no one' : { token }, collect });
    return metrics;
  }
  const listen = config.metricsListen;
  const listener = Fastify({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: gatehouse.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    ...requestTimeouts(config),
    clientErrorHandler: answerClientError,
    forceCloseConnections: true,
  });
  installErrorHandling(listener);
  metrics.serve(listener, { access: token === undefined ? 'anyone' : { token }, collect });
  // Bound before the main address, so that a port already taken stops the start.
  app.addHook('onReady', async () => {
    const url = await listener.listen({ host: listen.host, port: listen.port });
    gatehouse.logger.info({ url }, 'metrics listening');
  });
  app.addHook('onClose', () => listener.close());
  return metrics;
}
