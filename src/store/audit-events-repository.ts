import { CompiledQuery, sql, type Insertable, type Kysely, type SelectQueryBuilder } from 'kysely';
import { AUDIT_FIELDS, type AuditCounts, type AuditCursor, type AuditEvent, type AuditFilter, type AuditQuery } from '../audit/audit-event.js';
import type { StoreEngine } from './database.js';
import type { BatchWriter } from './sqlite-writer-thread.js';
import type { AuditEventsTable, Database } from './schema.js';
import type { AuditEventsStore } from '../audit/audit-events-store.js';

const COLUMNS = AUDIT_FIELDS satisfies readonly (keyof AuditEventsTable)[];
const COLUMN_LIST = COLUMNS.map((column) => `"${column}"`).join(', ');
const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(', ')})`;
/** One row, run once per event inside one transaction by a BatchWriter. */
const INSERT_ONE = `insert into "audit_events" (${COLUMN_LIST}) values ${ROW_PLACEHOLDERS} on conflict ("id") do nothing`;

function parametersOf(row: Insertable<AuditEventsTable>): unknown[] {
  return COLUMNS.map((column) => row[column] ?? null);
}

/**
 * One statement for a batch of events, written as SQL text rather than with the query builder: building
 * and compiling a 500-row INSERT costs the event loop about 10 µs per event. PostgreSQL takes the rows as
 * one JSON parameter; SQLite binds them as parameters of a multi-row VALUES list.
 */
function batchInsert(engine: StoreEngine, rows: Insertable<AuditEventsTable>[]): CompiledQuery {
  if (engine === 'postgres') {
    return CompiledQuery.raw(`insert into "audit_events" (${COLUMN_LIST}) select ${COLUMN_LIST} from json_populate_recordset(null::"audit_events", $1) on conflict ("id") do nothing`, [
      JSON.stringify(rows),
    ]);
  }
  const values = rows.map(() => ROW_PLACEHOLDERS).join(', ');
  return CompiledQuery.raw(`insert into "audit_events" (${COLUMN_LIST}) values ${values} on conflict ("id") do nothing`, rows.flatMap(parametersOf));
}

function fromRow(row: AuditEventsTable): AuditEvent {
  return {
    id: row.id,
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome === 'success' ? 'success' : 'failure',
    status: row.status === null ? null : Number(row.status),
    reason: row.reason,
    clientId: row.client_id,
    sourceAddress: row.source_address,
    grantType: row.grant_type,
    subject: row.subject,
    scope: row.scope,
    jti: row.jti,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

function toRow(event: AuditEvent): Insertable<AuditEventsTable> {
  return {
    id: event.id,
    at: event.at,
    actor: event.actor,
    action: event.action,
    target: event.target,
    outcome: event.outcome,
    status: event.status,
    reason: event.reason,
    client_id: event.clientId,
    source_address: event.sourceAddress,
    grant_type: event.grantType,
    subject: event.subject,
    scope: event.scope,
    jti: event.jti,
    expires_at: event.expiresAt,
  };
}

/** Deletes up to `limit` audit events recorded before `cutoff` (epoch ms), oldest first; returns how many. */
export async function purgeAuditEventsBefore(db: Kysely<Database>, cutoff: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('audit_events')
    .where('id', 'in', (eb) => eb.selectFrom('audit_events').select('id').where('at', '<', cutoff).orderBy('at').limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** SQL for the audit_events table. */
export class AuditEventsRepository implements AuditEventsStore {
  /** `batchWriter`: where `insertMany` writes when the store has one (the embedded database's writer thread). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: StoreEngine,
    private readonly batchWriter?: BatchWriter,
  ) {}

  /** Writes one event on the store's own connection before it returns. */
  async insert(event: AuditEvent): Promise<void> {
    await this.db.executeQuery(batchInsert(this.engine, [toRow(event)]));
  }

  /**
   * Writes events all together or none: one multi-row INSERT, or on the embedded database one transaction
   * in its writer thread, off the event loop. An id already stored is skipped: a batch retried after its
   * commit was not acknowledged is not written twice. 500 events are 7,500 parameters, within SQLite's
   * 32,766 and PostgreSQL's 65,535.
   */
  async insertMany(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(toRow);
    if (this.batchWriter) await this.batchWriter.runBatch(INSERT_ONE, rows.map(parametersOf));
    else await this.db.executeQuery(batchInsert(this.engine, rows));
  }

  /** Events matching every given filter, newest first, and how many match in all. */
  async query(query: AuditQuery): Promise<{ events: AuditEvent[]; total: number }> {
    const base = filtered(this.db.selectFrom('audit_events'), query);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { events: rows.map(fromRow), total: Number(count.n) };
  }

  /** The next `limit` events after `cursor`, newest first, read by the (at, id) index: an export's pages. */
  async after(filter: AuditFilter, cursor: AuditCursor | undefined, limit: number): Promise<AuditEvent[]> {
    let base = filtered(this.db.selectFrom('audit_events'), filter);
    if (cursor !== undefined) base = base.where((eb) => eb.or([eb('at', '<', cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', '<', cursor.id)])]));
    const rows = await base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  /**
   * The overview's counts: three GROUP BY queries over the events at or after `since`, each a range of the
   * (at, id) index; what they answer is bounded by buckets x actions x grant types and by `top`.
   */
  async counts(since: number, bucketMs: number, actions: readonly string[], refusals: readonly string[], top: number): Promise<AuditCounts> {
    // A literal, not a parameter: PostgreSQL matches the GROUP BY expression to the selected one only when they are the same text.
    const width = sql.lit(Math.trunc(bucketMs));
    const bucket = sql<number>`(${sql.ref('at')} / ${width}) * ${width}`;
    // The error code: the reason up to its first colon (`invalid_client: ...`), else all of it.
    const code =
      this.engine === 'postgres'
        ? sql<string>`split_part(coalesce(${sql.ref('reason')}, ''), ':', 1)`
        : sql<string>`case when instr(coalesce(${sql.ref('reason')}, ''), ':') > 0 then substr(${sql.ref('reason')}, 1, instr(${sql.ref('reason')}, ':') - 1) else coalesce(${sql.ref('reason')}, '') end`;
    const recent = this.db.selectFrom('audit_events').where('at', '>=', since);
    const [series, reasons, clients] = await Promise.all([
      actions.length === 0
        ? Promise.resolve([])
        : recent
            .where('action', 'in', [...actions])
            .select([bucket.as('bucket'), 'action', 'grant_type', 'outcome', (eb) => eb.fn.countAll().as('n')])
            .groupBy([bucket, 'action', 'grant_type', 'outcome'])
            .execute(),
      refusals.length === 0
        ? Promise.resolve([])
        : recent
            .where('action', 'in', [...refusals])
            .select([code.as('reason'), (eb) => eb.fn.countAll().as('n')])
            .groupBy(code)
            .orderBy('n', 'desc')
            .orderBy('reason')
            .limit(top)
            .execute(),
      recent
        .where('action', 'in', ['token.issued', 'token.refused'])
        .where('client_id', 'is not', null)
        .select([
          'client_id',
          (eb) => eb.fn.sum<number>(eb.case().when('action', '=', 'token.issued').then(1).else(0).end()).as('issued'),
          (eb) => eb.fn.sum<number>(eb.case().when('action', '=', 'token.refused').then(1).else(0).end()).as('refused'),
          (eb) => eb.fn.countAll().as('n'),
        ])
        .groupBy('client_id')
        .orderBy('n', 'desc')
        .orderBy('client_id')
        .limit(top)
        .execute(),
    ]);
    return {
      series: series.map((row) => ({
        bucket: Number(row.bucket),
        action: row.action,
        grantType: row.grant_type,
        outcome: row.outcome === 'success' ? 'success' : 'failure',
        count: Number(row.n),
      })),
      refusalReasons: reasons.map((row) => ({ reason: row.reason, count: Number(row.n) })),
      clients: clients.map((row) => ({ clientId: row.client_id ?? '', issued: Number(row.issued), refused: Number(row.refused) })),
    };
  }
}

/** `like` pattern text for a literal prefix: its wildcards and the escape character escaped. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function filtered<O>(base: SelectQueryBuilder<Database, 'audit_events', O>, query: AuditFilter): SelectQueryBuilder<Database, 'audit_events', O> {
  if (query.from !== undefined) base = base.where('at', '>=', query.from);
  if (query.to !== undefined) base = base.where('at', '<=', query.to);
  if (query.actor !== undefined) base = base.where('actor', '=', query.actor);
  const action = query.action;
  if (action !== undefined) {
    // `token.` matches every action that starts with it (`token.issued`, `token.refused`).
    base = action.endsWith('.') ? base.where(sql<boolean>`${sql.ref('action')} like ${likePrefix(action)} escape '\\'`) : base.where('action', '=', action);
  }
  if (query.clientId !== undefined) base = base.where((eb) => eb.or([eb('client_id', '=', query.clientId!), eb('target', '=', query.clientId!)]));
  if (query.outcome !== undefined) base = base.where('outcome', '=', query.outcome);
  if (query.grantType !== undefined) base = base.where('grant_type', '=', query.grantType);
  if (query.subject !== undefined) base = base.where('subject', '=', query.subject);
  return base;
}
