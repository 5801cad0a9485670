import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OAuthError } from '../oauth/oauth-error.js';
import type { CacheStats } from '../shared/cache-stats.js';
import type { PoolStats } from '../store/database.js';
import type { AuditWriterStats } from '../audit/audit-writer.js';
import type { Client } from '../clients/client.js';

import type { SignInMetrics } from '../oauth/authorization/flow-types.js';
import type { TokenMetrics } from '../oauth/endpoints/request-facts.js';

export type { TokenMetrics };

export const NO_TOKEN_METRICS: TokenMetrics = { tokenIssued: () => undefined };

/** Route label of requests no route matched: the raw URL would make one series per probe. */
const UNMATCHED_ROUTE = 'unmatched';

/** client_id label of every app instance registered through RFC 7591 (they may be countless). */
export const REGISTERED_CLIENTS_LABEL = 'registered';
/** client_id label of a client that is no longer known (deleted since). */
const UNKNOWN_CLIENT_LABEL = 'unknown';

/**
 * The client_id label of a client's tokens: its id for a client an administrator created, one shared label
 * for app instances that registered themselves, so that registrations cannot grow the label set without
 * bound. Instances are the clients without a secret: the admin API and the CLI always give one.
 */
export function clientLabel(client: Pick<Client, 'clientId' | 'secretDigest'> | undefined): string {
  if (!client) return UNKNOWN_CLIENT_LABEL;
  return client.secretDigest === null ? REGISTERED_CLIENTS_LABEL : client.clientId;
}

/** Who may read `GET /metrics`: bearers of the token; everyone (a listener of its own); or no one. */
export type MetricsAccess = { token: string } | 'anyone' | 'no one';

/**
 * Gatehouse's Prometheus metrics, in a registry of their own: HTTP requests by route template and status,
 * latency, tokens issued by grant and client, refusals by OAuth error code, cache lookups, the database pool
 * and the process's default metrics.
 */
export class GatehouseMetrics implements TokenMetrics, SignInMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly tokens: Counter<'grant_type' | 'client_id'>;
  private readonly refusals: Counter<'error' | 'route'>;
  private readonly adminAuthFailures: Counter<'error'>;
  private readonly signInEvents: Counter<'event' | 'outcome'>;
  private readonly caches = new Map<string, CacheStats>();
  private poolStats: (() => PoolStats) | undefined;
  private auditStats: (() => AuditWriterStats) | undefined;

  /** `labelOf` names a client in the client_id label (see clientLabel); by default its id. */
  constructor(private readonly labelOf: (clientId: string) => string = (clientId) => clientId) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'gatehouse_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'Time from receiving a request to sending the response, by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.tokens = new Counter({
      name: 'gatehouse_tokens_issued_total',
      help: 'Access tokens issued, by grant type and client id (registered for every self-registered app instance)',
      labelNames: ['grant_type', 'client_id'],
      registers,
    });
    this.refusals = new Counter({
      name: 'gatehouse_refusals_total',
      help: 'Requests refused with an OAuth or bearer-token error, by error code and route template',
      labelNames: ['error', 'route'],
      registers,
    });
    this.adminAuthFailures = new Counter({
      name: 'gatehouse_admin_authentication_failures_total',
      help: 'Admin API requests refused because their credentials were missing or wrong, by error code (the audit log records one per address and minute)',
      labelNames: ['error'],
      registers,
    });
    this.signInEvents = new Counter({
      name: 'gatehouse_sign_in_events_total',
      help: 'Browser sign-in events (sign-in.succeeded, sign-in.failed, sign-in.check-failed, consent.granted, consent.denied), by event and outcome',
      labelNames: ['event', 'outcome'],
      registers,
    });
    const caches = this.caches;
    new Counter({
      name: 'gatehouse_cache_lookups_total',
      help: 'Lookups of in-memory caches (clients, signing_keys, revocations, verified_tokens, user_status), by result hit or miss',
      labelNames: ['cache', 'result'],
      registers,
      collect() {
        // The caches count in plain numbers (free on the hot path); the counter takes their totals at scrape time.
        this.reset();
        for (const [cache, stats] of caches) {
          this.inc({ cache, result: 'hit' }, stats.hits);
          this.inc({ cache, result: 'miss' }, stats.misses);
        }
      },
    });
    const pool = () => this.poolStats?.();
    new Gauge({
      name: 'gatehouse_db_pool_connections',
      help: 'PostgreSQL pool connections, by state total or idle',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = pool();
        if (!stats) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
      },
    });
    const audit = () => this.auditStats?.();
    new Counter({
      name: 'gatehouse_audit_events_dropped_total',
      help: 'Issued-token audit events dropped because the queue was full while the database did not take them',
      registers,
      collect() {
        const stats = audit();
        if (!stats) return;
        this.reset();
        this.inc(stats.dropped);
      },
    });
    new Gauge({
      name: 'gatehouse_audit_queue_events',
      help: 'Issued-token audit events waiting in memory for their batched write',
      registers,
      collect() {
        const stats = audit();
        if (stats) this.set(stats.queued);
      },
    });
    new Gauge({
      name: 'gatehouse_db_pool_waiting',
      help: 'Queries waiting for a PostgreSQL pool connection',
      registers,
      collect() {
        const stats = pool();
        if (stats) this.set(stats.waiting);
      },
    });
  }

  watchCache(name: string, stats: CacheStats): void {
    this.caches.set(name, stats);
  }

  watchPool(stats: (() => PoolStats) | undefined): void {
    this.poolStats = stats;
  }

  watchAuditQueue(stats: () => AuditWriterStats): void {
    this.auditStats = stats;
  }

  signInEvent(event: string, outcome: 'success' | 'failure'): void {
    this.signInEvents.inc({ event, outcome });
  }

  tokenIssued(grantType: string, clientId: string): void {
    this.tokens.inc({ grant_type: grantType, client_id: this.labelOf(clientId) });
  }

  adminAuthenticationFailed(error: string): void {
    this.adminAuthFailures.inc({ error });
  }

  /** Adds the request hooks that feed the metrics; call on the root instance before routes are registered. */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      const method = request.method;
      this.requests.inc({ method, route, status: String(reply.statusCode) });
      this.duration.observe({ method, route }, reply.elapsedTime / 1000);
      // Resources refuse with a Bearer challenge (RFC 6750) that they send themselves.
      const challenge = reply.statusCode >= 400 ? reply.getHeader('www-authenticate') : undefined;
      if (typeof challenge === 'string' && challenge.startsWith('Bearer ')) {
        this.refusals.inc({ error: /error="([a-z_]+)"/.exec(challenge)?.[1] ?? 'unauthorized', route });
      }
      done();
    });
    app.addHook('onError', (request, _reply, error, done) => {
      if (error instanceof OAuthError) this.refusals.inc({ error: error.error, route: request.routeOptions.url ?? UNMATCHED_ROUTE });
      done();
    });
  }

  /**
   * `GET /metrics` on `app`, for the callers `access` admits. Metrics name client ids and tell what the
   * server does, so they are never open on the main address: without a token, it answers 401 to everyone.
   */
  serve(app: FastifyInstance, options: { access: MetricsAccess; collect?: (() => Promise<string>) | undefined }): void {
    const collect = options.collect ?? (() => this.registry.metrics());
    const { access } = options;
    const expected = typeof access === 'object' ? sha256(access.token) : undefined;
    app.get('/metrics', async (request, reply) => {
      if (access !== 'anyone') {
        const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
        if (!expected || !match?.[1] || !timingSafeEqual(sha256(match[1]), expected)) {
          const invalid = expected !== undefined && match !== null;
          return reply
            .status(401)
            .header('WWW-Authenticate', `Bearer realm="gatehouse-metrics"${invalid ? ', error="invalid_token"' : ''}`)
            .send({
              error: invalid ? 'invalid_token' : 'unauthorized',
              error_description: expected
                ? '/metrics needs Authorization: Bearer <GATEHOUSE_METRICS_TOKEN>'
                : '/metrics is closed: set GATEHOUSE_METRICS_TOKEN, or serve it on GATEHOUSE_METRICS_LISTEN',
            });
        }
      }
      let text: string;
      try {
        text = await collect();
      } catch (error) {
        request.log.warn({ err: error }, 'metrics could not be collected');
        return reply.status(503).send({ error: 'temporarily_unavailable', error_description: 'metrics could not be collected; try again' });
      }
      return reply.header('Content-Type', this.registry.contentType).header('Cache-Control', 'no-store').send(text);
    });
  }
}

/** Fixed-length digests, so the comparison takes the same time whatever the presented length. */
function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
