import type { FastifyReply, FastifyRequest } from 'fastify';
import { claimedClientId } from '../oauth/claimed-client.js';
import { addressKey } from '../server/address-key.js';
import { WindowCounter } from '../server/window-counter.js';
import type { AuditLog } from './audit-log.js';

/**
 * onSend hook of the token endpoints: a refused token request (any 4xx or 5xx answer) becomes one
 * audit event with the error code as its reason and the client it claimed to be. Rate-limit refusals (429)
 * are recorded once per source address and minute: a client stuck in a loop is refused thousands of times
 * a second, and a database write for each would cost more than the tokens the limit saves.
 */
export function auditTokenRefusals(audit: AuditLog, paths: readonly string[]) {
  const rateLimited = new WindowCounter(() => ({ max: 1, windowMs: 60_000 }));
  // A callback hook: every answer of these endpoints passes here, and successes should not pay for a promise.
  return (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
    if (reply.statusCode < 400 || request.method !== 'POST' || !paths.includes(request.routeOptions.url ?? '')) return done(null, payload);
    if (reply.statusCode === 429 && rateLimited.take(addressKey(request.ip)) > 0) return done(null, payload);
    let reason = `status ${reply.statusCode}`;
    if (typeof payload === 'string') {
      try {
        const body = JSON.parse(payload) as { error?: unknown; error_description?: unknown };
        if (typeof body.error === 'string') reason = `${body.error}: ${typeof body.error_description === 'string' ? body.error_description : ''}`;
      } catch {
        // not JSON: keep the status
      }
    }
    const clientId = claimedClientId(request) || null;
    // A store error is logged by record; the answer goes out as it would have, whatever happens.
    const send = () => done(null, payload);
    audit
      .record({
        actor: 'client',
        action: 'token.refused',
        target: clientId,
        outcome: 'failure',
        status: reply.statusCode,
        reason,
        clientId,
        sourceAddress: request.ip,
      })
      .then(send, send);
  };
}
