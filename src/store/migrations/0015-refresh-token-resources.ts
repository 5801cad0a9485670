import type { Kysely, Migration } from 'kysely';

/**
 * The RFC 8707 resources of a refresh token's grant, as a JSON array of URIs ('[]': none, the issuer is
 * the audience), so that a refresh issues its access token for the grant's resources and not for the
 * issuer. Tokens stored before this migration had no resources: '[]' keeps what they were.
 */
export const refreshTokenResourcesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('refresh_tokens')
      .addColumn('resources', 'text', (col) => col.notNull().defaultTo('[]'))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('refresh_tokens').dropColumn('resources').execute();
  },
};
