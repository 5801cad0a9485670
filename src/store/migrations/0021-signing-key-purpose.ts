import type { Kysely, Migration } from 'kysely';

/**
 * What a signing key signs: access tokens (every key so far) or OpenID Connect ID tokens (an RS256 key kept
 * beside access-token keys of another algorithm, OIDC Core §15.1).
 */
export const signingKeyPurposeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('signing_keys')
      .addColumn('purpose', 'text', (col) => col.notNull().defaultTo('access_token'))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('signing_keys').dropColumn('purpose').execute();
  },
};
