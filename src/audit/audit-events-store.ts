import type { AuditCounts, AuditCursor, AuditEvent, AuditFilter, AuditQuery } from './audit-event.js';

/** What the audit log needs from storage; `store/audit-events-repository.ts` implements it. */
export interface AuditEventsStore {
  insert(event: AuditEvent): Promise<void>;
  insertMany(events: readonly AuditEvent[]): Promise<void>;
  query(query: AuditQuery): Promise<{ events: AuditEvent[]; total: number }>;
  /** Up to `limit` events matching `filter` that come after `after` (newest first), without counting them all. */
  after(filter: AuditFilter, after: AuditCursor | undefined, limit: number): Promise<AuditEvent[]>;
  /**
   * Counts of the events at or after `since` among `actions`, by `bucketMs`-long bucket; the `top` refusal
   * reasons (of `refusals`) and clients (by `token.issued` and `token.refused`).
   */
  counts(since: number, bucketMs: number, actions: readonly string[], refusals: readonly string[], top: number): Promise<AuditCounts>;
}
