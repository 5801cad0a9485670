import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditEventsStore } from './audit-events-store.js';
import { toAuditJson, type AuditEvent, type AuditQuery } from './audit-event.js';
import { BufferedAuditWriter, type AuditWriterOptions, type AuditWriterStats } from './audit-writer.js';

type OptionalFields = 'target' | 'status' | 'reason' | 'clientId' | 'sourceAddress' | 'grantType' | 'subject' | 'scope' | 'jti' | 'expiresAt';
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at' | OptionalFields> & Partial<Pick<AuditEvent, OptionalFields>>;

/** Longest reason, actor, target or client id kept; this only bounds what a caller can make us store. */
const MAX_TEXT = 500;
/** A granted scope can list many registered scopes. */
const MAX_SCOPE = 4_000;

function clip(text: string | null | undefined, max = MAX_TEXT): string | null {
  if (text === undefined || text === null) return null;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export interface AuditLogOptions {
  /** Receives every event as one JSON line too (GATEHOUSE_AUDIT_STREAM), whether the store took it or not. */
  stream?: ((line: string) => void) | undefined;
  /** How `recordLater` batches its events. */
  buffer: AuditWriterOptions;
}

/**
 * The audit log. Recording never fails the request that caused it: a store error is logged and the
 * answer goes out as it would have. `record` writes before it returns (administrative changes are
 * durable before their answer); `recordLater` queues for a batched write (issued tokens: the hot path
 * pays no database round trip).
 */
export class AuditLog {
  private lastAt = 0;
  private sequence = 0;
  private readonly writer: BufferedAuditWriter;
  private readonly stream: ((line: string) => void) | undefined;

  constructor(
    private readonly repository: AuditEventsStore,
    private readonly logger: Logger,
    options: AuditLogOptions,
  ) {
    this.stream = options.stream;
    this.writer = new BufferedAuditWriter((events) => repository.insertMany(events), logger, options.buffer);
  }

  async record(event: NewAuditEvent): Promise<void> {
    const full = this.complete(event);
    try {
      await this.repository.insert(full);
    } catch (error) {
      this.logger.warn({ err: error, action: full.action }, 'could not write an audit event');
    }
    this.stream?.(`${JSON.stringify(toAuditJson(full))}\n`);
  }

  /** Queues the event for the next batch; returns at once and never throws. */
  recordLater(event: NewAuditEvent): void {
    const full = this.complete(event);
    this.writer.add(full);
    this.stream?.(`${JSON.stringify(toAuditJson(full))}\n`);
  }

  /** Writes every queued event now. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Writes every queued event; call before the store closes. */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** Queued, written and dropped events of `recordLater`. */
  get queueStats(): AuditWriterStats {
    return this.writer.stats;
  }

  query(query: AuditQuery): ReturnType<AuditEventsStore['query']> {
    return this.repository.query(query);
  }

  /** The next page of a walk through the matching events, newest first (exports). */
  after(...args: Parameters<AuditEventsStore['after']>): ReturnType<AuditEventsStore['after']> {
    return this.repository.after(...args);
  }

  /** Counts by time bucket, refusal reason and client (the overview). */
  counts(...args: Parameters<AuditEventsStore['counts']>): ReturnType<AuditEventsStore['counts']> {
    return this.repository.counts(...args);
  }

  private complete(event: NewAuditEvent): AuditEvent {
    const at = Date.now();
    return {
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
      grantType: clip(event.grantType),
      subject: clip(event.subject),
      scope: clip(event.scope, MAX_SCOPE),
      jti: clip(event.jti),
      expiresAt: event.expiresAt ?? null,
    };
  }

  /** Ids sort like the events of this process were recorded, even within one millisecond. */
  private orderedId(at: number): string {
    this.sequence = at === this.lastAt ? this.sequence + 1 : 0;
    this.lastAt = at;
    return `${at.toString(36).padStart(9, '0')}-${this.sequence.toString(36).padStart(4, '0')}-${randomUUID()}`;
  }
}
