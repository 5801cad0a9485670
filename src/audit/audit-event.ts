/** One entry of the audit log. It never holds a secret: no passwords, client secrets, tokens or keys. */
export interface AuditEvent {
  id: string;
  /** Epoch milliseconds. */
  at: number;
  /** An administrator's name, "admin-token", "cli", "anonymous", or "client" for token requests. */
  actor: string;
  /** What was done, e.g. `client.create`, `token.refused`. */
  action: string;
  /** What it was done to (a client id, a username, a key id), when there is one. */
  target: string | null;
  outcome: 'success' | 'failure';
  /** HTTP status of the answer, when the change came over HTTP. */
  status: number | null;
  /** Why it failed (an error code and its description). */
  reason: string | null;
  /** The client concerned (for token requests: the one the request claimed to be). */
  clientId: string | null;
  sourceAddress: string | null;
}

export interface AuditQuery {
  from?: number | undefined;
  to?: number | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  clientId?: string | undefined;
  outcome?: 'success' | 'failure' | undefined;
  limit: number;
  offset: number;
}

export function toAuditJson(event: AuditEvent) {
  return {
    id: event.id,
    at: new Date(event.at).toISOString(),
    actor: event.actor,
    action: event.action,
    target: event.target,
    outcome: event.outcome,
    status: event.status,
    reason: event.reason,
    client_id: event.clientId,
    source_address: event.sourceAddress,
  };
}
