import type { Kysely, Migration } from 'kysely';

/** A client's default scope (issue 20): what a token request without a scope gets; null: every allowed element. */
export const defaultScopeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('clients').addColumn('default_scope', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('clients').dropColumn('default_scope').execute();
  },
};
