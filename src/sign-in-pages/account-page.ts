import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { Client } from '../clients/client.js';
import type { GatehouseConfig } from '../config/config.js';
import type { SecretDigester } from '../keys/secret-digest.js';
import { ACCOUNT_PATH } from '../oauth/endpoints/paths.js';
import { sessionIsLive, type BrowserSession, type BrowserSessionsStore } from '../sign-in/browser-session.js';
import type { ConsentsStore } from '../sign-in/consent.js';
import type { UsersStore } from '../users/users-store.js';
import { BROWSER_COOKIE, browserTokenFor, formBoundToBrowser, readCookie, SESSION_COOKIE } from './browser-cookies.js';
import { sendPage, type PageContext } from './page-reply.js';
import type { AuditAction } from '../audit/audit-actions.js';

export interface AccountPageServices {
  config: Pick<GatehouseConfig, 'issuer'>;
  client(clientId: string): Client | undefined;
  sessions: Pick<BrowserSessionsStore, 'get'>;
  consents: Pick<ConsentsStore, 'list' | 'withdraw'>;
  users: Pick<UsersStore, 'get'>;
  digester: Pick<SecretDigester, 'digest'>;
  audit: Pick<AuditLog, 'record'>;
  page: PageContext;
}

const LISTED_CONSENTS = 200;

/** The signed-in person's own page: the applications they allowed (each can be withdrawn) and signing out. */
export function registerAccountPage(app: FastifyInstance, services: AccountPageServices): void {
  const { config } = services;

  const sessionOf = async (request: FastifyRequest): Promise<BrowserSession | undefined> => {
    const sessionId = readCookie(request, SESSION_COOKIE, config.issuer);
    if (sessionId === undefined) return undefined;
    const session = await services.sessions.get(services.digester.digest(sessionId));
    return session && sessionIsLive(session, Date.now()) ? session : undefined;
  };

  const notSignedIn = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(request, reply, services.page, { kind: 'error', status: 401, title: 'error.title', detail: 'you are not signed in; sign in through an application first' });

  app.get(ACCOUNT_PATH, async (request, reply) => {
    const session = await sessionOf(request);
    const user = session === undefined ? undefined : await services.users.get(session.userId);
    if (!session || !user) return notSignedIn(request, reply);
    const browserToken = browserTokenFor(request, reply, config.issuer);
    const { consents } = await services.consents.list({ userId: user.id, limit: LISTED_CONSENTS, offset: 0 });
    return sendPage(request, reply, services.page, {
      kind: 'account',
      action: `${config.issuer}${ACCOUNT_PATH}`,
      csrfToken: browserToken,
      username: user.username,
      consents: consents.map((consent) => ({
        clientId: consent.clientId,
        clientName: services.client(consent.clientId)?.clientName ?? consent.clientId,
        scopes: consent.scopes,
        grantedAt: consent.grantedAt,
      })),
    });
  });

  app.post(ACCOUNT_PATH, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!formBoundToBrowser(body.csrf, readCookie(request, BROWSER_COOKIE, config.issuer))) {
      return sendPage(request, reply, services.page, { kind: 'error', status: 403, title: 'error.csrf', detail: 'the form could not be verified; reload the page and try again' });
    }
    const session = await sessionOf(request);
    if (!session) return notSignedIn(request, reply);
    const clientId = body.client_id;
    if (typeof clientId === 'string' && clientId.length <= 255) {
      if (await services.consents.withdraw(session.userId, clientId)) {
        await services.audit.record({
          actor: 'anonymous',
          action: 'consent.withdraw' satisfies AuditAction,
          target: `${session.userId}/${clientId}`,
          outcome: 'success',
          status: null,
          reason: null,
          clientId,
          sourceAddress: request.ip,
        });
      }
    }
    return reply.header('Cache-Control', 'no-store').redirect(`${config.issuer}${ACCOUNT_PATH}`, 303);
  });
}
