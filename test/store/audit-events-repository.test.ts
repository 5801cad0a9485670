import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { AuditEventsRepository } from '../../src/store/audit-events-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

const AT = 1_900_000_000_000;

function issued(n: number, fields: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `batch-${String(n).padStart(5, '0')}`,
    at: AT + n,
    actor: 'client',
    action: 'token.issued',
    target: 'app',
    outcome: 'success',
    status: 200,
    reason: null,
    clientId: 'app',
    sourceAddress: '127.0.0.1',
    grantType: 'client_credentials',
    subject: 'app',
    scope: 'read write',
    jti: `jti-${n}`,
    expiresAt: AT + n + 7_200_000,
    ...fields,
  };
}

describe.each(STORES)('audit events repository on %s', (engine) => {
  let database: TestDatabase | undefined;
  let store: StoreConnection;
  let repository: AuditEventsRepository;
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-store-'));

  beforeAll(async () => {
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = openStore({ databaseUrl: database?.url, dataDir });
    await migrateToLatest(store);
    repository = new AuditEventsRepository(store.db, store.engine, store.batchWriter);
  });
  afterAll(async () => {
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a batch of 500 in one statement (SQLite: one transaction in its writer thread) and reads every field back as written', async () => {
    const events = Array.from({ length: 500 }, (_, n) => issued(n));
    events[1] = issued(1, { subject: 'user-"quoted"\\slash', scope: "it's ünïcödé 🎫 and\nnew line", reason: null, status: null, expiresAt: null, grantType: null, sourceAddress: null });
    events[2] = issued(2, { actor: 'admin', action: 'client.update', outcome: 'failure', status: 400, reason: 'invalid_client_metadata: {"x": [1, 2]}', jti: null, scope: null });
    const before = store.queryCount();
    await repository.insertMany(events);
    expect(store.queryCount() - before).toBe(1);
    const { events: read, total } = await repository.query({ limit: 500, offset: 0 });
    expect(total).toBe(500);
    expect([...read].reverse()).toEqual(events);
  });

  it('skips events already stored: a batch retried after an unacknowledged commit is not written twice', async () => {
    await repository.insertMany([issued(3), issued(500), issued(501)]);
    expect((await repository.query({ limit: 1, offset: 0 })).total).toBe(502);
    expect((await repository.query({ action: 'token.issued', limit: 1, offset: 0, subject: 'app', grantType: 'client_credentials', clientId: 'app' })).total).toBe(500);
  });
});
