import type { FastifyInstance } from 'fastify';
import { toAuditJson, type AuditFilter } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditSubjectOf } from './audit-subject.js';
import type { UsersStore } from '../users/users-store.js';
import { queryInteger } from '../http/query-params.js';
import { FieldValidationError } from '../shared/errors.js';
import { auditExportStream } from './audit-export.js';
import { AUDIT_ACTION_PREFIXES, AUDIT_ACTIONS, AUDIT_EXPORT_FORMATS, type AuditActionsJson, type AuditExportFormat } from './wire.js';

function timeOf(value: unknown, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw new FieldValidationError(field, 'must be an ISO 8601 date or date-time');
  return time;
}

function textOf(value: unknown, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 200) throw new FieldValidationError(field, 'must be a string of at most 200 characters');
  return value;
}

/** The filters of `GET /audit` and `GET /audit/export`, checked; a username as subject names its user's id. */
async function filterOf(params: Record<string, unknown>, users: Pick<UsersStore, 'findByIdOrUsername'>): Promise<AuditFilter> {
  const outcome = textOf(params.outcome, 'outcome');
  if (outcome !== undefined && outcome !== 'success' && outcome !== 'failure') throw new FieldValidationError('outcome', 'must be success or failure');
  return {
    from: timeOf(params.from, 'from'),
    to: timeOf(params.to, 'to'),
    actor: textOf(params.actor, 'actor'),
    action: textOf(params.action, 'action'),
    clientId: textOf(params.client_id, 'client_id'),
    outcome,
    grantType: textOf(params.grant_type, 'grant_type'),
    subject: await auditSubjectOf(textOf(params.subject, 'subject'), users),
  };
}

const CONTENT_TYPES: Record<AuditExportFormat, string> = { csv: 'text/csv; charset=utf-8; header=present', ndjson: 'application/x-ndjson; charset=utf-8' };

/**
 * `GET /admin/api/audit`: the audit log, newest first, filtered and paged. `GET /admin/api/audit/export`: every
 * matching event as CSV or NDJSON. `GET /admin/api/audit/actions`: the actions the log records.
 */
export function registerAuditApi(app: FastifyInstance, audit: AuditLog, users: Pick<UsersStore, 'findByIdOrUsername'>): void {
  app.get('/audit', async (request) => {
    const params = (request.query ?? {}) as Record<string, unknown>;
    const filter = await filterOf(params, users);
    const limit = queryInteger(params.limit, 'limit', 1, 500, 50);
    const offset = queryInteger(params.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
    const { events, total } = await audit.query({ ...filter, limit, offset });
    return { events: events.map(toAuditJson), total, limit, offset };
  });

  app.get('/audit/actions', async (): Promise<AuditActionsJson> => ({ actions: AUDIT_ACTIONS, prefixes: AUDIT_ACTION_PREFIXES }));

  app.get('/audit/export', async (request, reply) => {
    const params = (request.query ?? {}) as Record<string, unknown>;
    const format = params.format ?? 'csv';
    if (!AUDIT_EXPORT_FORMATS.includes(format as AuditExportFormat)) throw new FieldValidationError('format', 'must be csv or ndjson');
    const filter = await filterOf(params, users);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .header('Content-Type', CONTENT_TYPES[format as AuditExportFormat])
      .header('Content-Disposition', `attachment; filename="gatehouse-audit-${stamp}.${format as AuditExportFormat}"`)
      .send(auditExportStream(audit, filter, format as AuditExportFormat));
  });
}
