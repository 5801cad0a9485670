import type { Kysely, Migration } from 'kysely';

/** Client metadata of browser sign-in (issue 19): redirect URIs, post-logout redirect URIs, consent skipping, PAR required. */
export const browserClientsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('clients')
      .addColumn('redirect_uris', 'text', (col) => col.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('clients')
      .addColumn('post_logout_redirect_uris', 'text', (col) => col.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('clients')
      .addColumn('skip_consent', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('clients')
      .addColumn('require_par', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const column of ['redirect_uris', 'post_logout_redirect_uris', 'skip_consent', 'require_par']) {
      await db.schema.alterTable('clients').dropColumn(column).execute();
    }
  },
};
