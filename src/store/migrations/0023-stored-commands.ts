import { sql, type Kysely, type Migration } from 'kysely';

/** Declarative (http-request) commands authored through the admin API (issue 20); folder commands are not stored. */
export const storedCommandsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('stored_commands')
      .addColumn('app', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      // JSON text of the http-request spec, as validated when saved ({{env.NAME}} placeholders unresolved).
      .addColumn('spec', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      // Who saved it last: the admin actor as the audit log names it.
      .addColumn('updated_by', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('stored_commands_pkey', ['app', 'name'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists stored_commands`.execute(db);
  },
};
