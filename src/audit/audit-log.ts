import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditEventsRepository } from '../store/audit-events-repository.js';
import { toAuditJson, type AuditEvent, type AuditQuery } from './audit-event.js';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at' | 'target' | 'status' | 'reason' | 'clientId' | 'sourceAddress'> &
  Partial<Pick<AuditEvent, 'target' | 'status' | 'reason' | 'clientId' | 'sourceAddress'>>;

/** Longest reason kept; error descriptions are short, this only bounds what a caller can make us store. */
const MAX_TEXT = 500;

function clip(text: string | null | undefined): string | null {
  if (text === undefined || text === null) return null;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/**
 * The audit log. Recording never fails the request that caused it: a store error is logged and the
 * answer goes out as it would have.
 */
export class AuditLog {
  private lastAt = 0;
  private sequence = 0;

  constructor(
    private readonly repository: AuditEventsRepository,
    private readonly logger: Logger,
    /** Receives every event as one JSON line too (GATEHOUSE_AUDIT_STREAM), whether the store took it or not. */
    private readonly stream?: (line: string) => void,
  ) {}

  async record(event: NewAuditEvent): Promise<void> {
    const at = Date.now();
    const full: AuditEvent = {
      id: this.orderedId(at),
      at,
      actor: clip(event.actor) ?? '',
      action: event.action,
      target: clip(event.target),
      outcome: event.outcome,
      status: event.status ?? null,
      reason: clip(event.reason),
      clientId: clip(event.clientId),
      sourceAddress: event.sourceAddress ?? null,
    };
    try {
      await this.repository.insert(full);
    } catch (error) {
      this.logger.warn({ err: error, action: full.action }, 'could not write an audit event');
    }
    this.stream?.(`${JSON.stringify(toAuditJson(full))}\n`);
  }

  /** Ids sort like the events of this process were recorded, even within one millisecond. */
  private orderedId(at: number): string {
    this.sequence = at === this.lastAt ? this.sequence + 1 : 0;
    this.lastAt = at;
    return `${at.toString(36).padStart(9, '0')}-${this.sequence.toString(36).padStart(4, '0')}-${randomUUID()}`;
  }

  query(query: AuditQuery): ReturnType<AuditEventsRepository['query']> {
    return this.repository.query(query);
  }
}
