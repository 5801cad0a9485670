/** One entry of the audit log. It never holds a secret: no passwords, client secrets, tokens or keys. */
export interface AuditEvent {
  id: string;
  /** Epoch milliseconds. */
  at: number;
  /** An administrator's name, "admin-token", "cli", "anonymous", or "client" for token requests. */
  actor: string;
  /** What was done, e.g. `client.create`, `token.issued`, `token.refused`. */
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
  /** Issued tokens: the grant type (`application_token` for the application token endpoint). */
  grantType: string | null;
  /** Issued tokens: the token's `sub` (the client id, or the user's id). */
  subject: string | null;
  /** Issued tokens: the granted scope, space-separated. */
  scope: string | null;
  /** Issued tokens: the token's `jti` (what revocation names), never the token. */
  jti: string | null;
  /** Issued tokens: when the token expires, epoch milliseconds. */
  expiresAt: number | null;
}

export interface AuditQuery {
  from?: number | undefined;
  to?: number | undefined;
  actor?: string | undefined;
  /** One action, or every action that starts with it when it ends with a dot (`token.`). */
  action?: string | undefined;
  clientId?: string | undefined;
  outcome?: 'success' | 'failure' | undefined;
  grantType?: string | undefined;
  subject?: string | undefined;
  limit: number;
  offset: number;
}

/** The filters of an audit query without its page. */
export type AuditFilter = Omit<AuditQuery, 'limit' | 'offset'>;

/** Where a walk through the log (newest first) stopped: the last event it gave. */
export interface AuditCursor {
  at: number;
  id: string;
}

/** Events per time bucket, action, grant type and outcome (the overview's series). */
export interface AuditBucketCount {
  /** Start of the bucket, epoch milliseconds. */
  bucket: number;
  action: string;
  grantType: string | null;
  outcome: 'success' | 'failure';
  count: number;
}

/** What the overview reads from the store for one window. */
export interface AuditCounts {
  series: AuditBucketCount[];
  /** Refused requests by error code (the reason up to its first colon), most first. */
  refusalReasons: { reason: string; count: number }[];
  /** Clients with the most token requests, most first. */
  clients: { clientId: string; issued: number; refused: number }[];
}

/** One event as the admin API and the audit stream give it. */
export type AuditJson = ReturnType<typeof toAuditJson>;

/**
 * The fields of an event in their one order, by the names the admin API, the audit stream, the CSV export and
 * the `audit_events` table share: the export's columns and the store's column list both come from here.
 */
export const AUDIT_FIELDS = [
  'id',
  'at',
  'actor',
  'action',
  'target',
  'outcome',
  'status',
  'reason',
  'client_id',
  'source_address',
  'grant_type',
  'subject',
  'scope',
  'jti',
  'expires_at',
] as const satisfies readonly (keyof AuditJson)[];

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
    grant_type: event.grantType,
    subject: event.subject,
    scope: event.scope,
    jti: event.jti,
    expires_at: event.expiresAt === null ? null : new Date(event.expiresAt).toISOString(),
  };
}
