import type { Kysely } from 'kysely';
import type { AuditEvent, AuditQuery } from '../audit/audit-event.js';
import type { AuditEventsTable, Database } from './schema.js';

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
  };
}

/** SQL for the audit_events table. */
export class AuditEventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
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
      })
      .execute();
  }

  /** Events matching every given filter, newest first, and how many match in all. */
  async query(query: AuditQuery): Promise<{ events: AuditEvent[]; total: number }> {
    let base = this.db.selectFrom('audit_events');
    if (query.from !== undefined) base = base.where('at', '>=', query.from);
    if (query.to !== undefined) base = base.where('at', '<=', query.to);
    if (query.actor !== undefined) base = base.where('actor', '=', query.actor);
    if (query.action !== undefined) base = base.where('action', '=', query.action);
    if (query.clientId !== undefined) base = base.where((eb) => eb.or([eb('client_id', '=', query.clientId!), eb('target', '=', query.clientId!)]));
    if (query.outcome !== undefined) base = base.where('outcome', '=', query.outcome);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { events: rows.map(fromRow), total: Number(count.n) };
  }
}
