import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreTimeoutError, type StoreConnection } from '../../src/store/database.js';
import { isStoreUnavailableError } from '../../src/store/store-errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

describe('bounded database waits on PostgreSQL', () => {
  let database: TestDatabase;
  let store: StoreConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = openStore({ databaseUrl: database.url, dataDir: tmpdir() });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('a statement past the request timeout fails as unavailable, and the pool drops that connection instead of handing it out again', async () => {
    // Start-up work (migrations, lock waits) is unbounded.
    await sql`select pg_sleep(0.3)`.execute(store.db);

    store.setRequestTimeout(200);
    const error = await sql`select pg_sleep(5)`.execute(store.db).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect(isStoreUnavailableError(error)).toBe(true);

    // The next statements get a working connection, on every slot of the pool.
    const answers = await Promise.all(Array.from({ length: 12 }, () => sql<{ one: number }>`select 1 as one`.execute(store.db)));
    expect(answers.map((result) => result.rows[0]?.one)).toEqual(Array.from({ length: 12 }, () => 1));

    store.setRequestTimeout(undefined);
    await sql`select pg_sleep(0.3)`.execute(store.db);
  });
});
