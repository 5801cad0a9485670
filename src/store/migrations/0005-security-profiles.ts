import { sql, type Kysely, type Migration } from 'kysely';

/** Security profiles (how an app's clients are checked) and the profile a client belongs to. */
export const securityProfilesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('security_profiles')
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('max_token_expiration', 'integer', (col) => col.notNull())
      // JSON object {element: [check, ...]}.
      .addColumn('scope_element_mapping', 'text', (col) => col.notNull())
      // JSON array of scope elements.
      .addColumn('mandatory_scope', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    // A foreign key: a profile that clients use cannot go, even when its deletion races a client's update.
    await db.schema
      .alterTable('clients')
      .addColumn('profile', 'text', (col) => col.references('security_profiles.name'))
      .execute();
    await db.schema.createIndex('clients_profile').on('clients').column('profile').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('clients_profile').execute();
    await db.schema.alterTable('clients').dropColumn('profile').execute();
    await sql`drop table if exists security_profiles`.execute(db);
  },
};
