import { sql, type Kysely, type Migration } from 'kysely';

/** The audit log: administrative changes and refused token requests (never secrets). */
export const auditEventsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('at', 'bigint', (col) => col.notNull())
      .addColumn('actor', 'text', (col) => col.notNull())
      .addColumn('action', 'text', (col) => col.notNull())
      .addColumn('target', 'text')
      .addColumn('outcome', 'text', (col) => col.notNull())
      .addColumn('status', 'integer')
      .addColumn('reason', 'text')
      .addColumn('client_id', 'text')
      .addColumn('source_address', 'text')
      .execute();
    await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'id']).execute();
    await db.schema.createIndex('audit_events_actor').on('audit_events').column('actor').execute();
    await db.schema.createIndex('audit_events_client_id').on('audit_events').column('client_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists audit_events`.execute(db);
  },
};
