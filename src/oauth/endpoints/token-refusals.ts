import type { FastifyReply, FastifyRequest } from 'fastify';
import { claimedClientId } from '../claimed-client.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { RefusalSample } from '../../audit/refusal-sample.js';
import type { AuditAction } from '../../audit/audit-actions.js';

type OnSendCallback = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => void;

/** `<error>: <error_description>` of an RFC 6749 error answer; `status <n>` when the answer is not one. */
function refusalReason(statusCode: number, payload: unknown): string {
  if (typeof payload === 'string') {
    try {
      const body = JSON.parse(payload) as { error?: unknown; error_description?: unknown };
      if (typeof body.error === 'string') return `${body.error}: ${typeof body.error_description === 'string' ? body.error_description : ''}`;
    } catch {
      // not JSON: keep the status
    }
  }
  return `status ${statusCode}`;
}

/** Records the refusal as one event under `action`; the answer goes out whatever the store does. */
function recordRefusal(audit: AuditLog, action: AuditAction, request: FastifyRequest, reply: FastifyReply, payload: unknown, done: () => void): void {
  const clientId = claimedClientId(request) || null;
  // A store error is logged by record; the answer goes out as it would have, whatever happens.
  audit
    .record({
      actor: 'client',
      action,
      target: clientId,
      outcome: 'failure',
      status: reply.statusCode,
      reason: refusalReason(reply.statusCode, payload),
      clientId,
      sourceAddress: request.ip,
    })
    .then(done, done);
}

/**
 * onSend hook of the token endpoints: a refused token request (any 4xx or 5xx answer) becomes one
 * audit event with the error code as its reason and the client it claimed to be. Rate-limit refusals (429)
 * are recorded once per source address and minute: a client stuck in a loop is refused thousands of times
 * a second, and a database write for each would cost more than the tokens the limit saves.
 */
export function auditTokenRefusals(audit: AuditLog, paths: readonly string[]): OnSendCallback {
  const rateLimited = new RefusalSample();
  // A callback hook: every answer of these endpoints passes here, and successes should not pay for a promise.
  return (request, reply, payload, done) => {
    if (reply.statusCode < 400 || request.method !== 'POST' || !paths.includes(request.routeOptions.url ?? '')) return done(null, payload);
    if (reply.statusCode === 429 && !rateLimited.first('429', request.ip)) return done(null, payload);
    recordRefusal(audit, 'token.refused', request, reply, payload, () => done(null, payload));
  };
}

/**
 * onSend hook of endpoints where clients authenticate to look at or revoke tokens (introspection,
 * revocation): a failed client authentication (401) and a rate-limit refusal (429) each become an audit
 * event under the path's action (with the client the request claimed and the error), sampled: the first
 * of each kind per source address and minute. Every refusal is counted in gatehouse_refusals_total.
 */
export function auditClientAuthFailures(audit: AuditLog, actions: Readonly<Record<string, AuditAction>>): OnSendCallback {
  const sampled = new RefusalSample();
  return (request, reply, payload, done) => {
    const status = reply.statusCode;
    const action = request.method === 'POST' ? actions[request.routeOptions.url ?? ''] : undefined;
    if (action === undefined || (status !== 401 && status !== 429)) return done(null, payload);
    // Sampled per action (endpoint), kind and address.
    if (!sampled.first(`${status} ${action}`, request.ip)) return done(null, payload);
    recordRefusal(audit, action, request, reply, payload, () => done(null, payload));
  };
}
