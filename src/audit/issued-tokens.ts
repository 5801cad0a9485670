import type { Logger } from 'pino';
import type { AuditLog } from './audit-log.js';
import type { AuditAction } from './audit-actions.js';

/** What the audit log keeps of an issued access token: never the token, the refresh token or any secret. */
export interface IssuedTokenRecord {
  clientId: string;
  /** The token's `sub`: the client id, or the user's id. */
  subject: string;
  jti: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The granted scope as in the response; null when the token has none. */
  scope: string | null;
  grantType: string;
  sourceAddress: string;
}

/**
 * Records an issued access token (any grant, the application token endpoint) as one `token.issued` audit
 * event, queued for a batched write: the answer does not wait for the store, and a failure to queue is
 * logged, never the request's.
 */
export function recordIssuedToken(audit: Pick<AuditLog, 'recordLater'>, token: IssuedTokenRecord, logger: Pick<Logger, 'warn'>): void {
  try {
    audit.recordLater({
      actor: 'client',
      action: 'token.issued' satisfies AuditAction,
      target: token.clientId,
      outcome: 'success',
      status: 200,
      clientId: token.clientId,
      sourceAddress: token.sourceAddress,
      grantType: token.grantType,
      subject: token.subject,
      scope: token.scope,
      jti: token.jti,
      expiresAt: token.expiresAt,
    });
  } catch (error) {
    logger.warn({ err: error }, 'could not record an issued token in the audit log');
  }
}
