import type { Kysely, Migration } from 'kysely';

/** Clients an administrator allows to obtain tokens for users (JWT-bearer grant, application tokens). */
export const actForUsersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('clients')
      .addColumn('may_act_for_users', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('clients').dropColumn('may_act_for_users').execute();
  },
};
