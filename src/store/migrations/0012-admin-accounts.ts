import { sql, type Kysely, type Migration } from 'kysely';

/** Administrator accounts of the web console and their server-side sessions (stored as digests). */
export const adminAccountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('admins')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('username', 'text', (col) => col.notNull())
      // Lower-cased NFC form: administrator names are unique regardless of case.
      .addColumn('username_key', 'text', (col) => col.notNull().unique())
      .addColumn('password_hash', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('admin_sessions')
      // Keyed digest of the session cookie's value; the value itself is never stored.
      .addColumn('session_digest', 'text', (col) => col.primaryKey())
      .addColumn('admin_id', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_used_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('admin_sessions_admin_id').on('admin_sessions').column('admin_id').execute();
    await db.schema.createIndex('admin_sessions_expires_at').on('admin_sessions').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists admin_sessions`.execute(db);
    await sql`drop table if exists admins`.execute(db);
  },
};
