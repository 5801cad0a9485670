import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The state of each security check per client (passed until, failed answers, blocked until), shared by every
 * instance and kept across restarts; and the PIN an administrator set for a client (keyed digest).
 */
export const securityCheckStatesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('security_check_states')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('check_name', 'text', (col) => col.notNull())
      .addColumn('passed_until', 'bigint')
      .addColumn('failed_attempts', 'integer', (col) => col.notNull())
      .addColumn('blocked_until', 'bigint')
      // Bumped by every write: a write based on a stale read changes nothing and is retried.
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('security_check_states_pk', ['client_id', 'check_name'])
      .execute();
    await db.schema.alterTable('clients').addColumn('pin_digest', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('clients').dropColumn('pin_digest').execute();
    await sql`drop table if exists security_check_states`.execute(db);
  },
};
