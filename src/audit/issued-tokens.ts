import type { FastifyReply, FastifyRequest, preSerializationHookHandler } from 'fastify';
import { issuedTokenOf, type TokenResponse } from '../oauth/grants/token-response.js';
import type { AuditLog } from './audit-log.js';

/** The grant type of a successful request to one token endpoint (by route), for its audit event. */
export type GrantTypeOf = (request: FastifyRequest) => string | undefined;

/**
 * preSerialization hook of the token endpoints: every access token they issue (any grant, the
 * application token endpoint) becomes one `token.issued` audit event with the client, grant type,
 * subject, scope, jti and expiry of the token the response was made from (`issuedTokenOf`). Never the token, the refresh token or
 * any secret. The event is queued for a batched write: the answer does not wait for the store.
 */
export function auditIssuedTokens(audit: AuditLog, grantTypes: Record<string, GrantTypeOf>): preSerializationHookHandler<unknown> {
  return (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const grantTypeOf = reply.statusCode === 200 && request.method === 'POST' ? grantTypes[request.routeOptions.url ?? ''] : undefined;
    const issued = grantTypeOf === undefined ? undefined : issuedTokenOf(payload);
    if (grantTypeOf !== undefined && issued !== undefined) {
      try {
        audit.recordLater({
          actor: 'client',
          action: 'token.issued',
          target: issued.clientId,
          outcome: 'success',
          status: reply.statusCode,
          clientId: issued.clientId,
          sourceAddress: request.ip,
          grantType: grantTypeOf(request) ?? null,
          subject: issued.subject,
          scope: (payload as TokenResponse).scope ?? null,
          jti: issued.jti,
          expiresAt: issued.expiresAt,
        });
      } catch (error) {
        request.log.warn({ err: error }, 'could not record an issued token in the audit log');
      }
    }
    done(null, payload);
  };
}
