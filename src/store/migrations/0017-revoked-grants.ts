import { sql, type Kysely, type Migration } from 'kysely';

/**
 * RFC 7009 §2.1: a revoked refresh-token family (grant), kept until the last access token issued from it
 * has expired, so that those access tokens are refused too.
 */
export const revokedGrantsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('revoked_grants')
      .addColumn('family_id', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('revoked_grants_expires_at').on('revoked_grants').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists revoked_grants`.execute(db);
  },
};
