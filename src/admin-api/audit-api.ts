import type { FastifyInstance } from 'fastify';
import { toAuditJson } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { queryInteger } from '../http/query-params.js';
import { FieldValidationError } from '../shared/errors.js';

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

/** `GET /admin/api/audit`: the audit log, newest first, filtered and paged. */
export function registerAuditApi(app: FastifyInstance, audit: AuditLog): void {
  app.get('/audit', async (request) => {
    const params = (request.query ?? {}) as Record<string, unknown>;
    const outcome = textOf(params.outcome, 'outcome');
    if (outcome !== undefined && outcome !== 'success' && outcome !== 'failure') throw new FieldValidationError('outcome', 'must be success or failure');
    const limit = queryInteger(params.limit, 'limit', 1, 500, 50);
    const offset = queryInteger(params.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
    const { events, total } = await audit.query({
      from: timeOf(params.from, 'from'),
      to: timeOf(params.to, 'to'),
      actor: textOf(params.actor, 'actor'),
      action: textOf(params.action, 'action'),
      clientId: textOf(params.client_id, 'client_id'),
      outcome,
      grantType: textOf(params.grant_type, 'grant_type'),
      subject: textOf(params.subject, 'subject'),
      limit,
      offset,
    });
    return { events: events.map(toAuditJson), total, limit, offset };
  });
}
