import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Attempt counters of the password checks (console sign-in, password grant, UserLogin), shared by every
 * instance on the database: one row per key and window, counted with one atomic upsert.
 */
export const attemptCountersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('attempt_counters')
      // The rule's name and a digest of what it counts (a username, an address, a client id).
      .addColumn('key', 'text', (col) => col.primaryKey())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('window_ends_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('attempt_counters_window_ends_at').on('attempt_counters').column('window_ends_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists attempt_counters`.execute(db);
  },
};
