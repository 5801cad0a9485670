import type { Kysely, Migration } from 'kysely';

/** Housekeeping deletes refresh tokens rotated long ago: an index keeps finding them cheap. */
export const purgeIndexesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('refresh_tokens_used_at').on('refresh_tokens').column('used_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('refresh_tokens_used_at').execute();
  },
};
