import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminRole } from '../admin-accounts/admin-account.js';
import type { AdminSessions } from '../admin-accounts/admin-sessions.js';
import type { AdminToken } from './admin-token.js';

/** The console's session cookie (Path=/admin, HttpOnly, SameSite=Strict, Secure on https). */
export const ADMIN_SESSION_COOKIE = 'gatehouse_admin_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Who made an admin request: an administrator by name, or the holder of the admin token. */
export interface AdminActor {
  actor: string;
  via: 'session' | 'token';
  /** The account behind a console session (absent for the admin token, which acts as an administrator). */
  adminId?: string;
  /** `auditor`: may only read. The admin token and sign-in attempts count as `admin`. */
  role?: AdminRole;
}

const actors = new WeakMap<FastifyRequest, AdminActor>();

/** The authenticated caller of an admin request, once the authentication hook let it through. */
export function adminActorOf(request: FastifyRequest): AdminActor | undefined {
  return actors.get(request);
}

export function rememberAdminActor(request: FastifyRequest, actor: AdminActor): void {
  actors.set(request, actor);
}

/** Why the authentication hook refused a request (its error code), for the audit and the failure counter. */
const refusals = new WeakMap<FastifyRequest, string>();

/** The error code with which admin authentication refused the request; undefined when it let it through. */
export function adminAuthRefusalOf(request: FastifyRequest): string | undefined {
  return refusals.get(request);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes under /admin/api that answer without authentication (signing in, reading the session, the first administrator's setup). */
const OPEN_ROUTES = new Set(['/admin/api/session', '/admin/api/setup']);

function isSessionRoute(request: FastifyRequest): boolean {
  return OPEN_ROUTES.has(request.routeOptions.url ?? '');
}

/** The one change an auditor may make: their own password. */
export const OWN_PASSWORD_ROUTE = '/admin/api/session/password';

/** Whether a request may pass with the role: auditors may read (safe methods) and change their own password, nothing else. */
export function roleAllows(role: AdminRole, method: string, route: string | undefined): boolean {
  return role === 'admin' || SAFE_METHODS.has(method) || route === OWN_PASSWORD_ROUTE;
}

/**
 * onRequest hook of the admin API. `Authorization: Bearer <admin token>` works as before (scripts; no
 * CSRF token: browsers never add that header by themselves). Otherwise the console's session cookie
 * authenticates, and every state-changing request must also carry the session's CSRF token in
 * `X-CSRF-Token`.
 */
export function adminAuthentication(adminToken: AdminToken, sessions: AdminSessions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isSessionRoute(request)) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer +(\S+) *$/i.exec(authorization);
      if (match?.[1] && (await adminToken.verify(match[1]))) {
        rememberAdminActor(request, { actor: 'admin-token', via: 'token', role: 'admin' });
        return;
      }
      return refuse(request, reply, 'invalid_token', 'the admin token is not valid');
    }
    const cookieValue = request.cookies[ADMIN_SESSION_COOKIE];
    if (cookieValue) {
      const session = await sessions.resume(cookieValue);
      if (session) {
        if (!SAFE_METHODS.has(request.method)) {
          const presented = request.headers[CSRF_HEADER];
          if (typeof presented !== 'string' || !sessions.csrfMatches(cookieValue, presented)) {
            refusals.set(request, 'invalid_csrf_token');
            await reply.status(403).send({ error: 'invalid_csrf_token', error_description: 'a change made with a console session needs the X-CSRF-Token header of that session' });
            return;
          }
        }
        rememberAdminActor(request, { actor: session.username, via: 'session', adminId: session.adminId, role: session.role });
        // The one place that keeps auditors read-only: every route of the admin API passes here.
        if (!roleAllows(session.role, request.method, request.routeOptions.url)) {
          await reply.status(403).send({ error: 'forbidden', error_description: 'an auditor may only read; ask an administrator to make this change' });
        }
        return;
      }
      return refuse(request, reply, 'session_expired', 'the console session has ended; sign in again');
    }
    return refuse(request, reply, 'unauthorized', 'the admin API needs Authorization: Bearer <admin token> or a console session');
  };
}

async function refuse(request: FastifyRequest, reply: FastifyReply, error: string, description: string): Promise<void> {
  refusals.set(request, error);
  await reply
    .status(401)
    .header('WWW-Authenticate', `Bearer realm="gatehouse-admin"${error === 'invalid_token' ? ', error="invalid_token"' : ''}`)
    .send({ error, error_description: description });
}
