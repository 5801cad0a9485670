import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import { RefusalSample } from '../audit/refusal-sample.js';
import { adminActorOf, adminAuthRefusalOf } from './admin-auth.js';

const CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Names of the admin API's changes by method and route; other routes are named `<method> <route>`. */
const ACTIONS: Record<string, string> = {
  'POST /session': 'session.sign_in',
  'DELETE /session': 'session.sign_out',
  'POST /clients': 'client.create',
  'PATCH /clients/:id': 'client.update',
  'DELETE /clients/:id': 'client.delete',
  'POST /clients/:id/secret': 'client.rotate_secret',
  'POST /clients/:id/keys': 'client.add_key',
  'DELETE /clients/:id/keys/:kid': 'client.remove_key',
  'POST /users': 'user.create',
  'PATCH /users/:id': 'user.update',
  'DELETE /users/:id': 'user.delete',
  'POST /users/:id/password': 'user.set_password',
  'POST /users/:id/unlock': 'user.unlock',
  'POST /keys/rotate': 'signing_key.rotate',
  'PATCH /settings/token-delivery': 'settings.token_delivery.update',
  'PUT /clients/:id/pin': 'client.set_pin',
  'DELETE /clients/:id/pin': 'client.remove_pin',
  'POST /profiles': 'profile.create',
  'PUT /profiles/:name': 'profile.replace',
  'PATCH /profiles/:name': 'profile.update',
  'DELETE /profiles/:name': 'profile.delete',
  'POST /profiles/:name/initial-access-tokens': 'profile.create_initial_access_token',
  'DELETE /profiles/:name/initial-access-tokens/:id': 'profile.revoke_initial_access_token',
  'DELETE /sessions/:id': 'browser_session.end',
  'DELETE /users/:id/sessions': 'user.end_sessions',
  'DELETE /consents/:user/:client': 'consent.withdraw',
  'PUT /branding': 'settings.branding.update',
  'POST /commands': 'command.create',
  'PUT /commands/:app/:name': 'command.update',
  'DELETE /commands/:app/:name': 'command.delete',
  'POST /commands/try': 'command.try',
};

export function adminActionOf(method: string, route: string): string {
  const path = route.replace(/^\/admin\/api/, '');
  return ACTIONS[`${method} ${path}`] ?? `${method.toLowerCase()} ${path}`;
}

function jsonOf(payload: unknown): Record<string, unknown> | undefined {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return undefined;
  try {
    return JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `app/name` of a command spec: the one a try carries, a created command, or the body that asked for it. */
function specOf(spec: unknown): string | undefined {
  if (typeof spec !== 'object' || spec === null) return undefined;
  const { app, name } = spec as Record<string, unknown>;
  const appName = textOf(app);
  const commandName = textOf(name);
  return appName !== undefined && commandName !== undefined ? `${appName}/${commandName}` : undefined;
}

/** What a change was made to: from the route's parameters, else from what the answer created. */
function targetOf(request: FastifyRequest, answer: Record<string, unknown> | undefined): string | null {
  const params = request.params as Record<string, string> | undefined;
  if (params?.user !== undefined && params.client !== undefined) return `${params.user}/${params.client}`;
  if (params?.app !== undefined && params.name !== undefined) return `${params.app}/${params.name}`;
  if (request.routeOptions.url === '/admin/api/commands') return specOf(answer) ?? specOf(request.body) ?? null;
  if (params?.name !== undefined) return params.id !== undefined ? `${params.name}/${params.id}` : params.name;
  if (params?.id !== undefined) return params.kid !== undefined ? `${params.id}/${params.kid}` : params.id;
  const body = request.body as Record<string, unknown> | undefined;
  const key = answer?.key as Record<string, unknown> | undefined;
  return (
    textOf(answer?.client_id) ??
    textOf(answer?.username) ??
    textOf(answer?.kid) ??
    textOf(key?.kid) ??
    textOf(answer?.name) ??
    textOf(body?.client_id) ??
    textOf(body?.username) ??
    textOf(body?.name) ??
    specOf(body?.spec) ??
    null
  );
}

/** Counts every admin request that failed authentication, by error code (the audit log keeps only a sample). */
export interface AdminAuthFailureCounter {
  adminAuthenticationFailed(error: string): void;
}

/**
 * onSend hook of the admin API: every state-changing request of an administrator (by token or session),
 * and every sign-in attempt under the name it gave (succeeded or refused), becomes one audit event before
 * the answer leaves, so what the caller sees is already in the log. Only the method, route, target, outcome
 * and the error code are kept, never request bodies.
 *
 * Requests with nobody behind them (failed authentication; a sign-out without a session, a sign-in without
 * credentials) and rate-limit refusals (429) cost their sender nothing: a row for each would let anyone
 * without credentials write thousands of rows a second, with targets of their choosing. Of those, the first
 * of each action per source address and minute is recorded (without a target), and every failed
 * authentication is counted by `failures` (a metric).
 */
export function auditAdminChanges(audit: AuditLog, failures?: AdminAuthFailureCounter) {
  const sampled = new RefusalSample();
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const route = request.routeOptions.url;
    const refusal = adminAuthRefusalOf(request);
    if (refusal !== undefined) failures?.adminAuthenticationFailed(refusal);
    if (refusal === undefined && !CHANGING_METHODS.has(request.method)) return payload;
    if (route === undefined) return payload;
    const action = refusal !== undefined ? 'admin.authentication_failed' : adminActionOf(request.method, route);
    const actor = adminActorOf(request)?.actor;
    if (actor === undefined) {
      if (!sampled.first(`anonymous ${action}`, request.ip)) return payload;
      const answer = jsonOf(payload);
      const error = refusal ?? textOf(answer?.error);
      await audit.record({
        actor: 'anonymous',
        action,
        target: null,
        outcome: reply.statusCode >= 400 ? 'failure' : 'success',
        status: reply.statusCode,
        // The route template, never the path: the caller chose the ids in it.
        reason: `${error !== undefined ? `${error}: ` : ''}${request.method} ${route}; more of these from this address within a minute are not recorded`,
        sourceAddress: request.ip,
      });
      return payload;
    }
    if (reply.statusCode === 429 && !sampled.first('429', request.ip)) return payload;
    const answer = jsonOf(payload);
    const failed = reply.statusCode >= 400;
    const clientId = route.startsWith('/admin/api/clients')
      ? (targetOf(request, answer)?.split('/')[0] ?? null)
      : route.startsWith('/admin/api/consents/')
        ? ((request.params as Record<string, string> | undefined)?.client ?? null)
        : null;
    await audit.record({
      actor,
      action,
      target: targetOf(request, answer),
      outcome: failed ? 'failure' : 'success',
      status: reply.statusCode,
      reason: failed && answer ? `${textOf(answer.error) ?? 'error'}: ${textOf(answer.error_description) ?? ''}` : null,
      clientId,
      sourceAddress: request.ip,
    });
    return payload;
  };
}
