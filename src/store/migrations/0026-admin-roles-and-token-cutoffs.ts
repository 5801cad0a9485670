import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Issue 21. Administrators get a role (`admin` may change everything, `auditor` may only read); the accounts
 * that exist become administrators. `token_cutoffs` records, per client and per user, a time before which
 * every access token issued to it is revoked ("revoke all tokens of this client / user").
 */
export const adminRolesAndTokenCutoffsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('admins')
      .addColumn('role', 'text', (col) => col.notNull().defaultTo('admin'))
      .execute();
    await db.schema
      .createTable('token_cutoffs')
      // 'client' or 'user'.
      .addColumn('subject_kind', 'text', (col) => col.notNull())
      .addColumn('subject_id', 'text', (col) => col.notNull())
      // Epoch ms: access tokens issued (iat) at or before it are refused.
      .addColumn('revoked_before', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('token_cutoffs_pkey', ['subject_kind', 'subject_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists token_cutoffs`.execute(db);
    await db.schema.alterTable('admins').dropColumn('role').execute();
  },
};
