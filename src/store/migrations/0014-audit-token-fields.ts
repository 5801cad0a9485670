import { sql, type Kysely, type Migration } from 'kysely';

/** Columns of an issued-token audit event (`token.issued`); never the token itself. */
const COLUMNS = [
  ['grant_type', 'text'],
  ['subject', 'text'],
  ['scope', 'text'],
  ['jti', 'text'],
  ['expires_at', 'bigint'],
] as const;

/**
 * Issued access tokens become audit events: their grant type, subject, scope, jti and expiry get columns
 * of their own, so that the audit API can filter by grant type and subject. One ALTER per column: SQLite
 * adds one column per statement.
 */
export const auditTokenFieldsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, type] of COLUMNS) await db.schema.alterTable('audit_events').addColumn(name, type).execute();
    await db.schema.createIndex('audit_events_subject').on('audit_events').column('subject').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop index if exists audit_events_subject`.execute(db);
    for (const [name] of COLUMNS) await db.schema.alterTable('audit_events').dropColumn(name).execute();
  },
};
