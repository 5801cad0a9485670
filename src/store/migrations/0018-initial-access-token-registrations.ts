import type { Kysely, Migration } from 'kysely';

/**
 * How many app instances each initial access token has registered, so that a leaked token (it ships
 * with an app) cannot register without bound: registration claims one slot atomically under the cap.
 */
export const initialAccessTokenRegistrationsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('initial_access_tokens')
      .addColumn('registrations', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('initial_access_tokens').dropColumn('registrations').execute();
  },
};
