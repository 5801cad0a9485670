import { Readable } from 'node:stream';
import { AUDIT_FIELDS, toAuditJson, type AuditFilter } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditExportFormat } from './wire.js';

/** Events read per page of an export: memory stays bounded by one page, whatever the log holds. */
export const EXPORT_PAGE = 500;

/** The columns of a CSV export: the admin API's field names, in its order. */
const COLUMNS = AUDIT_FIELDS;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. A text that
 * a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading `'`
 * first, so opening an export never runs what a client put in its name or a request in its reason.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

async function* exportLines(audit: Pick<AuditLog, 'after'>, filter: AuditFilter, format: AuditExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(COLUMNS);
  let cursor: { at: number; id: string } | undefined;
  for (;;) {
    const events = await audit.after(filter, cursor, EXPORT_PAGE);
    if (events.length === 0) return;
    // One chunk per page: a write per line would cost a syscall each.
    yield events
      .map((event) => {
        const json = toAuditJson(event);
        return format === 'csv' ? csvLine(COLUMNS.map((column) => json[column])) : `${JSON.stringify(json)}\n`;
      })
      .join('');
    if (events.length < EXPORT_PAGE) return;
    const last = events[events.length - 1]!;
    cursor = { at: last.at, id: last.id };
  }
}

/** Every event matching `filter`, newest first, as CSV or NDJSON, read page by page as the reader takes it. */
export function auditExportStream(audit: Pick<AuditLog, 'after'>, filter: AuditFilter, format: AuditExportFormat): Readable {
  return Readable.from(exportLines(audit, filter, format));
}
