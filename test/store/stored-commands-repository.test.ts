import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredCommandsStore } from '../../src/protected-apis/commands/stored-commands-store.js';
import { ChangeEventsRepository } from '../../src/store/change-events-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { StoredCommandsRepository } from '../../src/store/stored-commands-repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

describe.each(STORES)('stored commands on %s', (engine) => {
  let store: StoreConnection;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let repository: StoredCommandsStore;
  let changes: ChangeEventsRepository;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-stored-commands-'));
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = openStore({ databaseUrl: database?.url, dataDir });
    await migrateToLatest(store);
    // The repository is the domain's store, structurally (the store does not import the commands' layer).
    repository = new StoredCommandsRepository(store.db);
    changes = new ChangeEventsRepository(store.db);
  });
  afterAll(async () => {
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const record = (name: string, spec: Record<string, unknown> = {}) => ({
    app: 'crm',
    name,
    spec: { kind: 'http-request', app: 'crm', name, url: 'https://crm.example/{{input.id}}', headers: { key: '{{env.CRM_KEY}}' }, ...spec },
    createdAt: 1_000,
    updatedAt: 1_000,
    updatedBy: 'ada',
  });
  const commandEvents = async (after: number) => (await changes.since(after, 0)).filter((event) => event.kind === 'command').map((event) => event.ref);

  it('keeps the spec as JSON, records a change per write, and writes nothing twice', async () => {
    const start = await changes.latestSeq();
    expect(await repository.insert(record('find'))).toBe(true);
    expect(await repository.insert(record('find', { url: 'https://other.example/' }))).toBe(false);
    expect(await repository.get('crm', 'find')).toEqual(record('find'));
    expect(await repository.update({ ...record('find', { method: 'POST' }), createdAt: 5_000, updatedAt: 2_000, updatedBy: 'bob' })).toBe(true);
    // created_at stays.
    expect(await repository.get('crm', 'find')).toEqual({ ...record('find', { method: 'POST' }), updatedAt: 2_000, updatedBy: 'bob' });
    expect(await repository.update(record('absent'))).toBe(false);
    expect(await repository.insert(record('second'))).toBe(true);
    expect((await repository.list()).map((row) => row.name)).toEqual(['find', 'second']);
    expect(await repository.delete('crm', 'find')).toBe(true);
    expect(await repository.delete('crm', 'find')).toBe(false);
    expect(await repository.get('crm', 'find')).toBeUndefined();
    expect(await commandEvents(start)).toEqual(['crm/find', 'crm/find', 'crm/second', 'crm/find']);
  });

  it('lets one of many concurrent inserts of a name through', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, index) => repository.insert(record('race', { description: `attempt ${index}` }))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
