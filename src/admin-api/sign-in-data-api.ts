import type { FastifyInstance } from 'fastify';
import { pageQuery } from '../http/query-params.js';
import { FieldValidationError } from '../shared/errors.js';
import { SignInData, type SignInDataServices } from './sign-in-data.js';
import type { EndedSessionsJson } from './wire.js';

/** An optional filter of a list: absent or empty is no filter; anything but one string is refused. */
function filterOf(query: unknown, name: string): string | undefined {
  const value = ((query ?? {}) as Record<string, unknown>)[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new FieldValidationError(name, 'must be given once');
  return value;
}

/**
 * `/admin/api/sessions`, `/admin/api/users/:id/sessions` and `/admin/api/consents`: browser sessions (listed and
 * ended) and consents (listed and withdrawn). Users are named by id or username. Each change is audited by the
 * admin API's onSend hook (admin-audit.ts names the actions).
 */
export function registerSignInDataApi(app: FastifyInstance, services: SignInDataServices): void {
  const data = new SignInData(services);

  app.get('/sessions', async (request) => {
    const { limit, offset } = pageQuery(request.query);
    const { sessions, total } = await data.listSessions({ user: filterOf(request.query, 'user'), limit, offset });
    return { sessions, total, limit, offset };
  });

  app.delete<{ Params: { id: string } }>('/sessions/:id', async (request, reply) => {
    const ended = await data.endSession(request.params.id);
    request.log.info({ userId: ended.user_id }, 'browser session ended by an administrator');
    return reply.status(204).send();
  });

  app.delete<{ Params: { id: string } }>('/users/:id/sessions', async (request) => {
    const { user_id, ended } = await data.endUserSessions(request.params.id);
    request.log.info({ userId: user_id, ended }, "user's browser sessions ended by an administrator");
    return { user_id, ended } satisfies EndedSessionsJson;
  });

  app.get('/consents', async (request) => {
    const { limit, offset } = pageQuery(request.query);
    const { consents, total } = await data.listConsents({ user: filterOf(request.query, 'user'), client: filterOf(request.query, 'client'), limit, offset });
    return { consents, total, limit, offset };
  });

  app.delete<{ Params: { user: string; client: string } }>('/consents/:user/:client', async (request, reply) => {
    const withdrawn = await data.withdrawConsent(request.params.user, request.params.client);
    request.log.info({ userId: withdrawn.user_id, clientId: withdrawn.client_id }, 'consent withdrawn by an administrator');
    return reply.status(204).send();
  });
}
