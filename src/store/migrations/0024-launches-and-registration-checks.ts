import type { Kysely, Migration } from 'kysely';

/**
 * Issue 20: launch links of the embedding hand-off (app_token_launches: the link's id only as a keyed digest,
 * the access token only sealed; single use through used_at), and the registration checks of a security
 * profile (a JSON array of check names that run at RFC 7591 registration). A client's launches go with it.
 */
export const launchesAndRegistrationChecksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('app_token_launches')
      .addColumn('id_digest', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
      .addColumn('subject', 'text', (col) => col.notNull())
      .addColumn('jti', 'text', (col) => col.notNull())
      .addColumn('sealed_token', 'text', (col) => col.notNull())
      .addColumn('token_expires_at', 'bigint', (col) => col.notNull())
      .addColumn('target', 'text', (col) => col.notNull())
      // JSON array of [name, value] pairs.
      .addColumn('pass_through', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('app_token_launches_expires_at').on('app_token_launches').column('expires_at').execute();
    await db.schema.createIndex('app_token_launches_client_id').on('app_token_launches').column('client_id').execute();
    await db.schema
      .alterTable('security_profiles')
      .addColumn('registration_checks', 'text', (col) => col.notNull().defaultTo('[]'))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('security_profiles').dropColumn('registration_checks').execute();
    await db.schema.dropTable('app_token_launches').execute();
  },
};
