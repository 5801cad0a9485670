import type { FastifyInstance } from 'fastify';
import { UserValidationError, parseUserChanges } from '../users/user-input.js';
import { toUserJson, type UserRegistry } from '../users/user-registry.js';
import { pageQuery } from '../http/query-params.js';

interface IdParams {
  id: string;
}

/**
 * User management routes, mounted twice: as the protected user API (/api/users, scope `users`) and in
 * the admin API (/admin/api/users, which adds unlock).
 */
export function registerUserRoutes(app: FastifyInstance, users: UserRegistry, options: { unlock: boolean }): void {
  app.get('/users', async (request) => {
    const { search, limit, offset } = pageQuery(request.query);
    const { users: found, total } = await users.list({ search, limit, offset });
    return { users: found.map(toUserJson), total, limit, offset };
  });

  app.post('/users', async (request, reply) => {
    const user = await users.create(parseUserChanges(request.body, 'create'));
    request.log.info({ userId: user.id }, 'user created');
    return reply
      .status(201)
      .header('Location', `${request.url.split('?')[0] ?? ''}/${user.id}`)
      .send(toUserJson(user));
  });

  app.get<{ Params: IdParams }>('/users/:id', async (request) => toUserJson(await users.get(request.params.id)));

  app.patch<{ Params: IdParams }>('/users/:id', async (request) => {
    const user = await users.update(request.params.id, parseUserChanges(request.body, 'update'));
    request.log.info({ userId: user.id }, 'user updated');
    return toUserJson(user);
  });

  app.post<{ Params: IdParams }>('/users/:id/password', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new UserValidationError('body', 'must be a JSON object with a password member');
    await users.setPassword(request.params.id, body.password as string);
    request.log.info({ userId: request.params.id }, 'user password reset');
    return reply.status(204).send();
  });

  app.delete<{ Params: IdParams }>('/users/:id', async (request, reply) => {
    await users.delete(request.params.id);
    request.log.info({ userId: request.params.id }, 'user deleted');
    return reply.status(204).send();
  });

  if (options.unlock) {
    app.post<{ Params: IdParams }>('/users/:id/unlock', async (request) => {
      const user = await users.unlock(request.params.id);
      request.log.info({ userId: user.id }, 'user unlocked');
      return toUserJson(user);
    });
  }
}
