import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME, PgChangeListener } from '../../src/changes/pg-change-listener.js';
import { loadConfig } from '../../src/config/load-config.js';
import { openGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { createLogger } from '../../src/server/logger.js';
import { recordChange } from '../../src/store/change-events-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../helpers/postgres.js';

/** Polls until `check` holds or the deadline passes (long: it returns as soon as the check holds); returns whether it held. */
async function eventually(check: () => boolean | Promise<boolean>, deadlineMs = 30_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/** Ends the backends of the change listener on this database, as a DBA or a failover would. */
async function terminateListeners(databaseName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const result = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [databaseName, LISTENER_APPLICATION_NAME]);
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('change notifications on PostgreSQL (LISTEN/NOTIFY)', () => {
  let database: TestDatabase;
  let store: StoreConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = openStore({ databaseUrl: database.url, dataDir: tmpdir() });
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('announces a change when its transaction commits, not before, and never for a rolled-back one', async () => {
    let notified = 0;
    const listener = new PgChangeListener({
      databaseUrl: database.url,
      timeoutMs: 15_000,
      heartbeatMs: 60_000,
      onNotify: () => void (notified += 1),
      onReconnect: () => undefined,
      logger: pino({ level: 'silent' }),
    });
    await listener.start();
    try {
      expect(listener.listening).toBe(true);
      let notifiedBeforeCommit = -1;
      await store.db.transaction().execute(async (trx) => {
        await recordChange(trx, 'client', 'c1');
        // Give a premature notification time to arrive.
        await new Promise((resolve) => setTimeout(resolve, 200));
        notifiedBeforeCommit = notified;
      });
      expect(notifiedBeforeCommit).toBe(0);
      expect(await eventually(() => notified === 1)).toBe(true);

      await store.db
        .transaction()
        .execute(async (trx) => {
          await recordChange(trx, 'client', 'c2');
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await recordChange(store.db, 'user', 'u1');
      expect(await eventually(() => notified === 2)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notified).toBe(2);
    } finally {
      await listener.close();
    }
  });

  it('reconnects after its backend is terminated, asks for a full reload, and hears later changes', async () => {
    let notified = 0;
    let reconnects = 0;
    const lines: string[] = [];
    const listener = new PgChangeListener({
      databaseUrl: database.url,
      timeoutMs: 15_000,
      heartbeatMs: 60_000,
      onNotify: () => void (notified += 1),
      onReconnect: () => void (reconnects += 1),
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    });
    await listener.start();
    try {
      expect(await terminateListeners(database.name)).toBe(1);
      expect(await eventually(() => reconnects === 1)).toBe(true);
      expect(listener.listening).toBe(true);
      await recordChange(store.db, 'client', 'after-reconnect');
      expect(await eventually(() => notified === 1)).toBe(true);
      expect(lines.some((line) => line.includes('lost the connection that listens for changes'))).toBe(true);
      expect(lines.some((line) => line.includes('listening for changes again'))).toBe(true);
    } finally {
      await listener.close();
    }
    expect(listener.listening).toBe(false);
  });
});

/** Deadline for a change to arrive by notification (the safety poll is ten minutes away). */
const NOTIFIED_WITHIN_MS = 30_000;

describe('a running server on PostgreSQL learns of changes by notification', () => {
  let database: TestDatabase;
  let dataDir: string;
  let server: Gatehouse;
  let writer: Gatehouse;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-notify-'));
    const config = (overrides: Record<string, unknown>) =>
      loadConfig({
        env: {},
        overrides: {
          dataDir,
          databaseUrl: database.url,
          masterSecret: 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY',
          adminToken: 'notify-admin-token-0123456789',
          logLevel: 'silent',
          ...overrides,
        },
      });
    // The safety poll is ten minutes away: only a notification can bring a change within the test's deadlines.
    server = await openGatehouse(config({ changeSafetyPollInterval: 600_000, changePollInterval: 60_000 }), createLogger('silent'), { watchChanges: true });
    // The writer is like a CLI command or another instance: its own caches, its own connections.
    writer = await openGatehouse(config({}), createLogger('silent'));
  });
  afterAll(async () => {
    await server.close();
    await writer.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sees a client created, disabled and deleted elsewhere, and a user disabled, by notification (long before the safety poll)', async () => {
    expect(server.changeListener?.listening).toBe(true);
    // Each change must arrive within a deadline far below the ten-minute safety poll, yet far above what a
    // notification takes on a loaded machine (milliseconds; measured and printed below).
    const took: number[] = [];
    const arrives = async (check: () => boolean | Promise<boolean>) => {
      const started = Date.now();
      const held = await eventually(check, NOTIFIED_WITHIN_MS);
      took.push(Date.now() - started);
      return held;
    };
    await writer.clients.create({ clientId: 'notified', clientName: 'notified' });
    expect(await arrives(() => server.directory.get('notified') !== undefined)).toBe(true);
    await writer.clients.update('notified', { enabled: false });
    expect(await arrives(() => server.directory.get('notified')?.enabled === false)).toBe(true);
    await writer.clients.delete('notified');
    expect(await arrives(() => server.directory.get('notified') === undefined)).toBe(true);

    const user = await writer.users.create({ username: 'notified-user', password: 'a long enough password 1' });
    expect(await server.userStatus.isActive(user.id)).toBe(true);
    await writer.users.update(user.id, { enabled: false });
    expect(await arrives(async () => !(await server.userStatus.isActive(user.id)))).toBe(true);
    console.info(`changes arrived by notification after (ms): ${JSON.stringify(took)}`);
  });
});
