import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { Client } from '../clients/client.js';
import type { GatehouseConfig } from '../config/config.js';
import type { SecretDigester } from '../keys/secret-digest.js';
import { redirectLocation } from '../oauth/authorization/authorization-response.js';
import { END_SESSION_PATH } from '../oauth/endpoints/paths.js';
import type { BrowserSessionsStore } from '../sign-in/browser-session.js';
import { BROWSER_COOKIE, browserTokenFor, clearSessionCookie, formBoundToBrowser, readCookie, SESSION_COOKIE } from './browser-cookies.js';
import { sendPage, type PageContext } from './page-reply.js';
import type { AuditAction } from '../audit/audit-actions.js';

export interface EndSessionServices {
  config: Pick<GatehouseConfig, 'issuer'>;
  client(clientId: string): Client | undefined;
  sessions: Pick<BrowserSessionsStore, 'get' | 'end'>;
  digester: Pick<SecretDigester, 'digest'>;
  audit: Pick<AuditLog, 'record'>;
  page: PageContext;
}

/** Where the browser goes after signing out: a URI registered for the client, with the request's state. */
type AfterSignOut = { kind: 'redirect'; location: string } | { kind: 'page' } | { kind: 'error'; detail: string };

/**
 * OpenID Connect RP-initiated logout: `GET`/`POST /oauth/logout` asks the person to confirm (a page with a
 * CSRF-bound form; no request can end a session without it), then ends the browser session and sends the browser
 * to a registered `post_logout_redirect_uri`, or shows that they are signed out.
 */
export function registerEndSession(app: FastifyInstance, services: EndSessionServices): void {
  const { config } = services;

  const afterSignOut = (query: Record<string, unknown>): AfterSignOut => {
    const uri = text(query.post_logout_redirect_uri);
    if (uri === undefined) return { kind: 'page' };
    // The client is named by client_id (the ID token hint's audience is not trusted without it).
    const clientId = text(query.client_id) ?? audienceOf(text(query.id_token_hint));
    const client = clientId === undefined ? undefined : services.client(clientId);
    if (!client || !client.postLogoutRedirectUris.includes(uri)) return { kind: 'error', detail: 'post_logout_redirect_uri is not registered for this application' };
    const state = text(query.state);
    return { kind: 'redirect', location: redirectLocation({ redirectUri: uri, responseMode: 'query', params: state === undefined ? {} : { state } }) };
  };

  const confirm = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const after = afterSignOut(query);
    if (after.kind === 'error') return sendPage(request, reply, services.page, { kind: 'error', status: 400, title: 'error.invalidRequest', detail: after.detail });
    const browserToken = browserTokenFor(request, reply, config.issuer);
    const sessionId = readCookie(request, SESSION_COOKIE, config.issuer);
    const session = sessionId === undefined ? undefined : await services.sessions.get(services.digester.digest(sessionId));
    const clientId = text(query.client_id);
    const action = `${config.issuer}${END_SESSION_PATH}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`;
    return sendPage(
      request,
      reply,
      services.page,
      {
        kind: 'sign-out',
        action,
        csrfToken: browserToken,
        clientName: (clientId === undefined ? undefined : services.client(clientId)?.clientName) ?? '',
        signedIn: session !== undefined && session.endedAt === null,
      },
      { formActions: after.kind === 'redirect' ? [after.location] : [] },
    );
  };

  app.get(END_SESSION_PATH, confirm);
  app.post(END_SESSION_PATH, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const csrf = text(body.csrf);
    // The confirmation page's own form: otherwise (an RP's POST of the logout request) ask first.
    if (csrf === undefined) return confirm(request, reply);
    if (!formBoundToBrowser(csrf, readCookie(request, BROWSER_COOKIE, config.issuer))) {
      return sendPage(request, reply, services.page, { kind: 'error', status: 403, title: 'error.csrf', detail: 'the form could not be verified; sign out again from the application' });
    }
    const after = afterSignOut(request.query as Record<string, unknown>);
    if (after.kind === 'error') return sendPage(request, reply, services.page, { kind: 'error', status: 400, title: 'error.invalidRequest', detail: after.detail });
    const sessionId = readCookie(request, SESSION_COOKIE, config.issuer);
    if (sessionId !== undefined) {
      const digest = services.digester.digest(sessionId);
      const session = await services.sessions.get(digest);
      if (await services.sessions.end(digest, Date.now())) {
        await services.audit.record({
          actor: 'anonymous',
          action: 'sign-out' satisfies AuditAction,
          target: session?.userId ?? null,
          outcome: 'success',
          status: null,
          reason: null,
          clientId: null,
          sourceAddress: request.ip,
        });
      }
    }
    clearSessionCookie(reply, config.issuer);
    reply.header('Cache-Control', 'no-store');
    if (after.kind === 'redirect') return reply.redirect(after.location, 303);
    return sendPage(request, reply, services.page, { kind: 'signed-out' });
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= 4_000 ? value : undefined;
}

/** The `aud` of an ID token hint, read without trusting it: it only chooses which client's registered URIs apply. */
function audienceOf(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof claims.aud === 'string' ? claims.aud : Array.isArray(claims.aud) && typeof claims.aud[0] === 'string' ? claims.aud[0] : undefined;
  } catch {
    return undefined;
  }
}
