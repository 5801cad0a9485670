import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { isStoreUnavailableError, StoreTimeoutError } from '../../src/shared/store-errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

/** The bound on the statement that stalls. */
const REQUEST_TIMEOUT_MS = 1_000;
/** How long the store waits for a connection outside request bounds (far above what connecting takes, even on a loaded machine). */
const CONNECT_TIMEOUT_MS = 30_000;

describe('bounded database waits on PostgreSQL', () => {
  let database: TestDatabase;
  let store: StoreConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = openStore({ databaseUrl: database.url, dataDir: tmpdir(), connectTimeoutMs: CONNECT_TIMEOUT_MS });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('a statement past the request timeout fails as unavailable, and the pool drops that connection instead of handing it out again', async () => {
    // Start-up work (migrations, lock waits) is unbounded: longer than the timeout set below.
    await sql`select pg_sleep(1.5)`.execute(store.db);

    // The statement truly stalls (a minute of pg_sleep) against a one-second bound, so the outcome does
    // not depend on how busy the machine is. Its connection is idle in the pool: no connect races the bound.
    store.setRequestTimeout(REQUEST_TIMEOUT_MS);
    const error = await sql`select pg_sleep(60)`.execute(store.db).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect(isStoreUnavailableError(error)).toBe(true);

    // Back to the start-up values: no bound on statements, and connections are awaited as long as the store
    // was opened with (here far above what connecting takes, even on a loaded machine). The next statements
    // get a working connection on every slot of the pool (more statements than slots): the dropped connection,
    // had it been handed out again, would fail its statement at once.
    store.setRequestTimeout(undefined);
    const answers = await Promise.all(Array.from({ length: 12 }, () => sql<{ one: number }>`select 1 as one`.execute(store.db)));
    expect(answers.map((result) => result.rows[0]?.one)).toEqual(Array.from({ length: 12 }, () => 1));
    // And a statement longer than the earlier bound succeeds.
    await sql`select pg_sleep(1.5)`.execute(store.db);
  });
});
