import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChangeFeed } from '../changes/change-feed.js';
import type { StoreAvailability } from '../store/store-availability.js';
import { FieldValidationError } from '../shared/errors.js';
import { OVERVIEW_ACTIONS, OVERVIEW_TOP, REFUSAL_ACTIONS, overviewBuckets, overviewCounts } from './overview.js';
import { OVERVIEW_WINDOWS, type OverviewJson, type OverviewWindow } from './wire.js';

/** How long an overview answer is reused: the day's counts read a day of events, and many open consoles should cost one read. */
const REUSE_MS = 5_000;

export interface OverviewApiServices {
  audit: Pick<AuditLog, 'counts' | 'queueStats'>;
  changes: Pick<ChangeFeed, 'status'>;
  availability: Pick<StoreAvailability, 'available'>;
  /** PostgreSQL servers: the LISTEN connection (undefined on SQLite). */
  changeListener: { readonly listening: boolean } | undefined;
  engine: 'sqlite' | 'postgres';
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : 'the store did not answer';
  return text.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

/**
 * `GET /admin/api/overview?window=hour|day`: the audit log's counts per bucket (a minute for the hour, 15 minutes
 * for the day) and the health of the store and the change feed. Concurrent requests share one read, and an
 * answer is reused for 5 seconds.
 */
export function registerOverviewApi(app: FastifyInstance, services: OverviewApiServices): void {
  const recent = new Map<OverviewWindow, { at: number; answer: Promise<OverviewJson> }>();

  async function overview(window: OverviewWindow, now: number): Promise<OverviewJson> {
    const { since, bucketMs, starts } = overviewBuckets(window, now);
    const started = performance.now();
    let counts: Awaited<ReturnType<AuditLog['counts']>> | undefined;
    let error: string | null = null;
    try {
      counts = await services.audit.counts(since, bucketMs, OVERVIEW_ACTIONS, REFUSAL_ACTIONS, OVERVIEW_TOP);
    } catch (failure) {
      error = errorText(failure);
    }
    const queryMs = counts === undefined ? null : Math.round(performance.now() - started);
    const feed = services.changes.status;
    const queue = services.audit.queueStats;
    return {
      window,
      from: new Date(since).toISOString(),
      to: new Date(now).toISOString(),
      bucket_seconds: OVERVIEW_WINDOWS[window].bucket_seconds,
      buckets: starts.map((start) => start / 1000),
      counted: counts !== undefined,
      ...overviewCounts(counts ?? { series: [], refusalReasons: [], clients: [] }, starts),
      health: {
        store: { engine: services.engine, available: counts !== undefined && services.availability.available, query_ms: queryMs, error },
        change_feed: {
          listening: services.changeListener === undefined ? null : services.changeListener.listening,
          last_read_at: feed.lastReadAt === undefined ? null : new Date(feed.lastReadAt).toISOString(),
          failing: feed.failing,
          resync_pending: feed.resyncPending,
        },
        audit_queue: { queued: queue.queued, written: queue.written, dropped: queue.dropped },
      },
    };
  }

  app.get('/overview', async (request) => {
    const window = ((request.query ?? {}) as Record<string, unknown>).window ?? 'hour';
    if (window !== 'hour' && window !== 'day') throw new FieldValidationError('window', 'must be hour or day');
    const now = Date.now();
    const last = recent.get(window);
    if (last !== undefined && now - last.at < REUSE_MS) return last.answer;
    const answer = overview(window, now);
    recent.set(window, { at: now, answer });
    return answer;
  });
}
