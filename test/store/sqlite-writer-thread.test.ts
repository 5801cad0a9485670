import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchesOnConnection, openStore, type StoreConnection } from '../../src/store/database.js';
import { isStoreUnavailableError } from '../../src/shared/store-errors.js';
import { SqliteWriterThread } from '../../src/store/sqlite-writer-thread.js';

const INSERT = 'insert into "notes" ("n", "text") values (?, ?)';

describe('SqliteWriterThread (the embedded database written from a worker thread)', () => {
  let dataDir: string;
  let store: StoreConnection;
  let writer: SqliteWriterThread;
  let batches: number;

  async function count(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*) as n from notes`.execute(store.db);
    return Number(rows[0]?.n);
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-writer-thread-'));
    store = openStore({ databaseUrl: undefined, dataDir });
    await sql`create table notes (n integer primary key, text text not null)`.execute(store.db);
    batches = 0;
    writer = new SqliteWriterThread(join(dataDir, 'gatehouse.db'), { onBatch: () => (batches += 1) });
  });
  afterEach(async () => {
    await writer.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a batch in one transaction that the main connection reads once it resolves', async () => {
    const changes = await writer.runBatch(INSERT, [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(changes).toBe(3);
    expect(batches).toBe(1);
    const { rows } = await sql<{ n: number; text: string }>`select n, text from notes order by n`.execute(store.db);
    expect(rows).toEqual([
      { n: 1, text: 'one' },
      { n: 2, text: 'two' },
      { n: 3, text: 'three' },
    ]);
  });

  it('writes all of a batch or none of it, and passes SQLite’s error code on (a refused statement, not an outage)', async () => {
    const refused = await writer
      .runBatch(INSERT, [
        [1, 'one'],
        [2, 'two'],
        [3, null],
      ])
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { code?: string }).code).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect(isStoreUnavailableError(refused)).toBe(false);
    expect(await count()).toBe(0);
    // The thread goes on after a refused batch.
    expect(await writer.runBatch(INSERT, [[4, 'four']])).toBe(1);
    expect(await count()).toBe(1);
  });

  it('leaves the event loop free while a large batch is written', async () => {
    const rows = Array.from({ length: 50_000 }, (_, n) => [n, `row ${n} `.repeat(4)]);
    let turns = 0;
    let writing = true;
    const spin = (): void => {
      turns += 1;
      if (writing) setImmediate(spin);
    };
    setImmediate(spin);
    const written = writer.runBatch(INSERT, rows).finally(() => (writing = false));
    expect(await written).toBe(50_000);
    // On the main connection the whole INSERT would run in one turn of the loop.
    expect(turns).toBeGreaterThan(20);
    expect(await count()).toBe(50_000);
  });

  it('lets the batches under way finish on close; a batch after close fails as "store unavailable"', async () => {
    const first = writer.runBatch(INSERT, [[1, 'one']]);
    const second = writer.runBatch(INSERT, [[2, 'two']]);
    await writer.close();
    await expect(Promise.all([first, second])).resolves.toEqual([1, 1]);
    expect(await count()).toBe(2);
    const late = await writer.runBatch(INSERT, [[3, 'three']]).catch((error: unknown) => error);
    expect(isStoreUnavailableError(late)).toBe(true);
    expect(await count()).toBe(2);
  });

  it('lets transactions on the main connection read, then write, while the thread commits (they begin immediate)', async () => {
    await sql`create table tallies (n integer primary key, seen integer not null)`.execute(store.db);
    await writer.runBatch(INSERT, [[-1, 'the thread is running']]);
    let mainDone = false;
    let written = 0;
    const keepWriting = (async () => {
      for (let b = 0; !mainDone; b++)
        written += await writer.runBatch(
          INSERT,
          Array.from({ length: 20 }, (_, n) => [b * 20 + n, 'x']),
        );
    })();
    try {
      for (let n = 0; n < 40; n++) {
        await store.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ n: number }>`select count(*) as n from notes`.execute(trx);
          // Give the thread time to commit between this transaction's read and its write.
          await new Promise((resolve) => setTimeout(resolve, 3));
          await sql`insert into tallies (n, seen) values (${n}, ${Number(rows[0]?.n)})`.execute(trx);
        });
      }
    } finally {
      mainDone = true;
      await keepWriting;
    }
    expect(written).toBeGreaterThan(0);
    expect(await count()).toBe(written + 1);
    const { rows } = await sql<{ n: number }>`select count(*) as n from tallies`.execute(store.db);
    expect(Number(rows[0]?.n)).toBe(40);
  });

  it('runs batches on the main connection, all or nothing, when its thread cannot start', async () => {
    const stranded = new SqliteWriterThread(join(dataDir, 'gatehouse.db'), { workerModule: 'no-such-writer-worker', fallback: batchesOnConnection(store.db) });
    try {
      expect(
        await stranded.runBatch(INSERT, [
          [1, 'one'],
          [2, 'two'],
        ]),
      ).toBe(2);
      const refused = await stranded
        .runBatch(INSERT, [
          [3, 'three'],
          [4, null],
        ])
        .catch((error: unknown) => error);
      expect((refused as { code?: string }).code).toBe('SQLITE_CONSTRAINT_NOTNULL');
      expect(await stranded.runBatch(INSERT, [[5, 'five']])).toBe(1);
      const { rows } = await sql<{ n: number }>`select n from notes order by n`.execute(store.db);
      expect(rows.map((row) => row.n)).toEqual([1, 2, 5]);
    } finally {
      await stranded.close();
    }
  });

  it('fails its batches as "store unavailable" when its thread cannot start and it has no fallback', async () => {
    const stranded = new SqliteWriterThread(join(dataDir, 'gatehouse.db'), { workerModule: 'no-such-writer-worker' });
    const refused = await stranded.runBatch(INSERT, [[1, 'one']]).catch((error: unknown) => error);
    expect(isStoreUnavailableError(refused)).toBe(true);
    await stranded.close();
    expect(await count()).toBe(0);
  });

  it('is the embedded store’s batch writer, closed with the store', async () => {
    expect(store.batchWriter).toBeInstanceOf(SqliteWriterThread);
    expect(await store.batchWriter!.runBatch(INSERT, [[7, 'seven']])).toBe(1);
    expect(await count()).toBe(1);
  });
});
