import { sql, type Kysely, type Migration } from 'kysely';

/** Frozen here: later changes of the domain default must not change what this migration did. */
const DEFAULT_REFRESH_TOKEN_LIFETIME = 30 * 86_400;

export const usersAndRefreshTokensMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('username', 'text', (col) => col.notNull())
      // Lower-cased NFC form: usernames are unique regardless of case.
      .addColumn('username_key', 'text', (col) => col.notNull().unique())
      .addColumn('password_hash', 'text', (col) => col.notNull())
      .addColumn('display_name', 'text')
      .addColumn('email', 'text')
      .addColumn('roles', 'text', (col) => col.notNull())
      .addColumn('enabled', 'integer', (col) => col.notNull())
      .addColumn('failed_attempts', 'integer', (col) => col.notNull())
      .addColumn('first_failed_at', 'bigint')
      .addColumn('locked_until', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_digest', 'text', (col) => col.primaryKey())
      .addColumn('family_id', 'text', (col) => col.notNull())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('scope', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('refresh_tokens_family_id').on('refresh_tokens').column('family_id').execute();
    await db.schema.createIndex('refresh_tokens_expires_at').on('refresh_tokens').column('expires_at').execute();

    await db.schema
      .alterTable('clients')
      .addColumn('refresh_token_lifetime', 'integer', (col) => col.notNull().defaultTo(DEFAULT_REFRESH_TOKEN_LIFETIME))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists refresh_tokens`.execute(db);
    await sql`drop table if exists users`.execute(db);
    await db.schema.alterTable('clients').dropColumn('refresh_token_lifetime').execute();
  },
};
