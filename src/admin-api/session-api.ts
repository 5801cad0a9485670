import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminAccount } from '../admin-accounts/admin-account.js';
import type { ActiveSession, AdminSessions } from '../admin-accounts/admin-sessions.js';
import type { AdminAccounts } from '../admin-accounts/admin-accounts.js';
import type { ConsoleSignIn } from '../admin-accounts/console-sign-in.js';
import type { GatehouseConfig } from '../config/config.js';
import { TooManyAttempts } from '../users/attempt-limiter.js';
import { ADMIN_SESSION_COOKIE, CSRF_HEADER, adminActorOf, rememberAdminActor } from './admin-auth.js';
import type { SessionJson } from './wire.js';

const COOKIE_PATH = '/admin';

function sessionJson(session: ActiveSession): SessionJson {
  return {
    username: session.username,
    role: session.role,
    csrf_token: session.csrfToken,
    expires_at: new Date(session.expiresAt).toISOString(),
    idle_expires_at: new Date(session.idleExpiresAt).toISOString(),
  };
}

/** Starts a console session for `admin`: sets its cookie and answers 201 with the session (sign-in and first-run setup). */
export async function answerNewSession(reply: FastifyReply, gatehouse: { config: Pick<GatehouseConfig, 'issuer'>; adminSessions: AdminSessions }, admin: AdminAccount): Promise<FastifyReply> {
  const { cookieValue, session } = await gatehouse.adminSessions.start(admin);
  return reply
    .setCookie(ADMIN_SESSION_COOKIE, cookieValue, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: gatehouse.config.issuer.startsWith('https:'),
      // A session cookie for the browser; the server ends the session itself (idle and absolute expiry).
    })
    .status(201)
    .send(sessionJson(session));
}

/**
 * `/admin/api/session`: console sign-in (POST), who am I plus the CSRF token (GET), sign-out (DELETE).
 * Sign-ins are counted per source address and per username when they arrive (gatehouse.consoleSignIn, shared by
 * every instance); beyond the limits 429 with Retry-After, before any password check.
 */
export function registerSessionApi(
  app: FastifyInstance,
  gatehouse: { config: Pick<GatehouseConfig, 'issuer'>; consoleSignIn: ConsoleSignIn; adminSessions: AdminSessions; admins: AdminAccounts },
): void {
  const { config } = gatehouse;
  const secureCookie = () => config.issuer.startsWith('https:');

  app.post('/session', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const username = typeof body?.username === 'string' ? body.username : '';
    const password = typeof body?.password === 'string' ? body.password : '';
    if (username === '' || password === '' || username.length > 128 || password.length > 1024) {
      return reply.status(400).send({ error: 'invalid_request', error_description: 'send a JSON object with username and password', field: username === '' ? 'username' : 'password' });
    }
    // Audit the attempt under the name it gave, whatever the outcome.
    rememberAdminActor(request, { actor: username, via: 'session' });
    let admin;
    try {
      admin = await gatehouse.consoleSignIn.verify(username, password, request.ip);
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      return reply
        .status(429)
        .header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))))
        .send({ error: 'too_many_requests', error_description: 'too many failed sign-ins; try again later' });
    }
    if (!admin) return reply.status(401).send({ error: 'invalid_credentials', error_description: 'wrong username or password' });
    rememberAdminActor(request, { actor: admin.username, via: 'session' });
    request.log.info({ admin: admin.username }, 'console sign-in');
    return answerNewSession(reply, gatehouse, admin);
  });

  app.get('/session', async (request, reply) => {
    const cookieValue = request.cookies[ADMIN_SESSION_COOKIE];
    const session = cookieValue ? await gatehouse.adminSessions.resume(cookieValue) : undefined;
    if (!session) return reply.status(401).send({ error: 'unauthorized', error_description: 'no console session; sign in' });
    return sessionJson(session);
  });

  app.delete('/session', async (request, reply) => signOut(request, reply));

  // The signed-in account changes its own password (auditors too): the current one is checked, this session stays
  // and the account's other sessions end. Authenticated like any admin route (cookie and CSRF token).
  app.post('/session/password', async (request, reply) => {
    const adminId = adminActorOf(request)?.adminId;
    const cookieValue = request.cookies[ADMIN_SESSION_COOKIE];
    if (adminId === undefined || cookieValue === undefined) {
      return reply.status(400).send({ error: 'invalid_request', error_description: 'only a console session has a password to change; the admin token has none' });
    }
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    await gatehouse.admins.changeOwnPassword(adminId, body.current_password, body.new_password, gatehouse.adminSessions.storedKeyOf(cookieValue));
    return reply.status(204).send();
  });

  async function signOut(request: FastifyRequest, reply: FastifyReply) {
    const cookieValue = request.cookies[ADMIN_SESSION_COOKIE];
    if (cookieValue) {
      const session = await gatehouse.adminSessions.resume(cookieValue);
      if (session) {
        const presented = request.headers[CSRF_HEADER];
        if (typeof presented !== 'string' || !gatehouse.adminSessions.csrfMatches(cookieValue, presented)) {
          return reply.status(403).send({ error: 'invalid_csrf_token', error_description: 'signing out needs the X-CSRF-Token header of the session' });
        }
        rememberAdminActor(request, { actor: session.username, via: 'session' });
        await gatehouse.adminSessions.end(cookieValue);
      }
    }
    return reply.clearCookie(ADMIN_SESSION_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: secureCookie() }).status(204).send();
  }
}
