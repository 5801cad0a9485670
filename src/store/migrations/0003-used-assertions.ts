import { sql, type Kysely, type Migration } from 'kysely';

/** Ids (jti) of client assertions already used, kept until the assertion expires: replays are refused. */
export const usedAssertionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('used_assertions')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('jti', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('used_assertions_pk', ['client_id', 'jti'])
      .execute();
    await db.schema.createIndex('used_assertions_expires_at').on('used_assertions').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists used_assertions`.execute(db);
  },
};
