import type { AuditEvent, AuditQuery } from './audit-event.js';

/** What the audit log needs from storage; `store/audit-events-repository.ts` implements it. */
export interface AuditEventsStore {
  insert(event: AuditEvent): Promise<void>;
  insertMany(events: readonly AuditEvent[]): Promise<void>;
  query(query: AuditQuery): Promise<{ events: AuditEvent[]; total: number }>;
}
