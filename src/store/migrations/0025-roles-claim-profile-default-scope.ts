import type { Kysely, Migration } from 'kysely';

/**
 * Issue 20: a client's switch that puts the user's roles into its user tokens without the `roles` scope, and a
 * profile's default scope (what a token request without a scope gets when the client has no default of its own;
 * null: not set, '' no scope).
 */
export const rolesClaimProfileDefaultScopeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('clients')
      .addColumn('roles_claim', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('security_profiles').addColumn('default_scope', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('security_profiles').dropColumn('default_scope').execute();
    await db.schema.alterTable('clients').dropColumn('roles_claim').execute();
  },
};
