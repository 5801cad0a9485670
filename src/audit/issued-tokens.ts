import type { FastifyReply, FastifyRequest, preSerializationHookHandler } from 'fastify';
import type { AuditLog } from './audit-log.js';

/** The grant type of a successful request to one token endpoint (by route), for its audit event. */
export type GrantTypeOf = (request: FastifyRequest) => string | undefined;

interface AccessTokenClaims {
  sub?: unknown;
  client_id?: unknown;
  jti?: unknown;
  exp?: unknown;
  scope?: unknown;
}

/** The claims of an access token this process has just signed: no signature check needed, it never left the process. */
function claimsOf(accessToken: string): AccessTokenClaims {
  const start = accessToken.indexOf('.') + 1;
  const end = accessToken.indexOf('.', start);
  if (start === 0 || end < 0) return {};
  const claims = JSON.parse(Buffer.from(accessToken.slice(start, end), 'base64url').toString('utf8')) as unknown;
  return typeof claims === 'object' && claims !== null ? claims : {};
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * preSerialization hook of the token endpoints: every access token they issue (any grant, the
 * application token endpoint) becomes one `token.issued` audit event with the client, grant type,
 * subject, scope, jti and expiry read from the token's claims. Never the token, the refresh token or
 * any secret. The event is queued for a batched write: the answer does not wait for the store.
 */
export function auditIssuedTokens(audit: AuditLog, grantTypes: Record<string, GrantTypeOf>): preSerializationHookHandler<unknown> {
  return (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const grantTypeOf = reply.statusCode === 200 && request.method === 'POST' ? grantTypes[request.routeOptions.url ?? ''] : undefined;
    const accessToken = grantTypeOf === undefined ? undefined : (payload as { access_token?: unknown } | null)?.access_token;
    if (grantTypeOf !== undefined && typeof accessToken === 'string') {
      try {
        const claims = claimsOf(accessToken);
        const clientId = text(claims.client_id);
        audit.recordLater({
          actor: 'client',
          action: 'token.issued',
          target: clientId,
          outcome: 'success',
          status: reply.statusCode,
          clientId,
          sourceAddress: request.ip,
          grantType: grantTypeOf(request) ?? null,
          subject: text(claims.sub),
          scope: text(claims.scope),
          jti: text(claims.jti),
          expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
        });
      } catch (error) {
        request.log.warn({ err: error }, 'could not record an issued token in the audit log');
      }
    }
    done(null, payload);
  };
}
