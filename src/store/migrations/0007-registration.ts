import { sql, type Kysely, type Migration } from 'kysely';

/** App-instance registration (RFC 7591): per-profile switch and the initial access tokens that authorise it. */
export const registrationMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('security_profiles')
      .addColumn('registration_enabled', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('initial_access_tokens')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('profile', 'text', (col) => col.notNull().references('security_profiles.name').onDelete('cascade'))
      // Keyed digest of the token; the token itself is shown once and never stored.
      .addColumn('token_digest', 'text', (col) => col.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('initial_access_tokens_profile').on('initial_access_tokens').column('profile').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists initial_access_tokens`.execute(db);
    await db.schema.alterTable('security_profiles').dropColumn('registration_enabled').execute();
  },
};
