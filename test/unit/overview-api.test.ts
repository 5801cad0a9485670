import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AuditCounts } from '../../src/audit/audit-event.js';
import { registerOverviewApi } from '../../src/admin-api/overview-api.js';
import type { OverviewJson } from '../../src/admin-api/wire.js';

function overviewApp(counts: () => Promise<AuditCounts>) {
  const app = Fastify();
  registerOverviewApi(app, {
    audit: { counts, queueStats: { queued: 0, written: 3, dropped: 0 } },
    changes: { status: { lastReadAt: 0, failing: false, resyncPending: false } },
    availability: { available: true },
    changeListener: undefined,
    engine: 'sqlite',
  });
  return app;
}

describe('GET /overview', () => {
  it('makes concurrent requests for a window share one read of the store', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = overviewApp(async () => {
      reads++;
      await gate;
      return { series: [], refusalReasons: [], clients: [] };
    });
    const answers = Array.from({ length: 20 }, () => app.inject({ method: 'GET', url: '/overview?window=day' }));
    release();
    const statuses = (await Promise.all(answers)).map((answer) => answer.statusCode);
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    expect(reads).toBe(1);
    await app.inject({ method: 'GET', url: '/overview?window=hour' });
    expect(reads).toBe(2);
  });

  it('answers with the health and no counts when the store cannot be read', async () => {
    const app = overviewApp(() => Promise.reject(new Error('connection refused\nsecond line')));
    const answer = await app.inject({ method: 'GET', url: '/overview' });
    expect(answer.statusCode).toBe(200);
    const overview = answer.json<OverviewJson>();
    expect(overview).toMatchObject({ window: 'hour', counted: false, tokens_issued: [], health: { store: { available: false, error: 'connection refused second line', query_ms: null } } });
    expect(overview.buckets).toHaveLength(60);
  });
});
