import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Browser sign-in (issue 19): interactions of the sign-in pages, authorization codes, browser sessions,
 * remembered consents and pushed authorization requests (RFC 9126). Codes, session ids, interaction ids and
 * request URIs are stored only as keyed digests. A user's sessions and consents, and a client's consents, go
 * with the user or client (foreign keys with ON DELETE CASCADE, enforced on both engines).
 */
export const browserSignInMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sign_in_interactions')
      .addColumn('id_digest', 'text', (col) => col.primaryKey())
      // JSON of the checked authorization request.
      .addColumn('request', 'text', (col) => col.notNull())
      .addColumn('csrf_digest', 'text', (col) => col.notNull())
      .addColumn('session_id_digest', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('sign_in_interactions_expires_at').on('sign_in_interactions').column('expires_at').execute();

    await db.schema
      .createTable('authorization_codes')
      .addColumn('code_digest', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('redirect_uri', 'text', (col) => col.notNull())
      .addColumn('code_challenge', 'text', (col) => col.notNull())
      .addColumn('nonce', 'text')
      // JSON arrays.
      .addColumn('resources', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('session_id_digest', 'text', (col) => col.notNull())
      .addColumn('auth_time', 'bigint', (col) => col.notNull())
      .addColumn('amr', 'text', (col) => col.notNull())
      .addColumn('grant_id', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('authorization_codes_expires_at').on('authorization_codes').column('expires_at').execute();

    await db.schema
      .createTable('browser_sessions')
      .addColumn('id_digest', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('auth_time', 'bigint', (col) => col.notNull())
      // JSON array.
      .addColumn('amr', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .addColumn('idle_expires_at', 'bigint', (col) => col.notNull())
      .addColumn('absolute_expires_at', 'bigint', (col) => col.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('user_agent', 'text')
      .addColumn('source_address', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('browser_sessions_user_id').on('browser_sessions').column('user_id').execute();
    await db.schema.createIndex('browser_sessions_created_at').on('browser_sessions').column('created_at').execute();
    await db.schema.createIndex('browser_sessions_absolute_expires_at').on('browser_sessions').column('absolute_expires_at').execute();
    await db.schema.createIndex('browser_sessions_ended_at').on('browser_sessions').column('ended_at').execute();

    await db.schema
      .createTable('consents')
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
      // JSON array, sorted.
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('granted_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('consents_pkey', ['user_id', 'client_id'])
      .execute();
    await db.schema.createIndex('consents_client_id').on('consents').column('client_id').execute();
    await db.schema.createIndex('consents_updated_at').on('consents').column('updated_at').execute();

    await db.schema
      .createTable('pushed_authorization_requests')
      .addColumn('request_uri_digest', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      // JSON object of the pushed parameters.
      .addColumn('params', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('pushed_authorization_requests_expires_at').on('pushed_authorization_requests').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists pushed_authorization_requests`.execute(db);
    await sql`drop table if exists consents`.execute(db);
    await sql`drop table if exists browser_sessions`.execute(db);
    await sql`drop table if exists authorization_codes`.execute(db);
    await sql`drop table if exists sign_in_interactions`.execute(db);
  },
};
