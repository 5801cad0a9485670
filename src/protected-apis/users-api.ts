import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UserValidationError, parseUserChanges } from '../users/user-input.js';
import { toUserJson, type UserRegistry } from '../users/user-registry.js';
import { pageQuery } from '../http/query-params.js';
import { refuse, requireUserAdminRole, roleDelegationRefusal, type UserAdminRoles } from './user-admin-roles.js';

interface IdParams {
  id: string;
}

/**
 * User management routes, mounted twice: as the protected user API (/api/users, scope `users`, and with `roles`
 * the rules of user callers: the user-administration role, granting and managing only within one's roles) and in
 * the admin API (/admin/api/users, which adds unlock).
 */
export function registerUserRoutes(app: FastifyInstance, users: UserRegistry, options: { unlock: boolean; roles?: UserAdminRoles }): void {
  const { roles } = options;
  if (roles) {
    app.decorateRequest('callerRoles', undefined);
    app.addHook('preHandler', requireUserAdminRole(users, roles));
  }
  /** A refusal answered, or false: whether the caller may make this change (always true without `roles`). */
  async function refusedDelegation(request: FastifyRequest, reply: FastifyReply, grants: readonly string[] | undefined, targetId?: string): Promise<boolean> {
    if (!roles || request.callerRoles === undefined) return false;
    const target = targetId === undefined ? undefined : (await users.get(targetId)).roles;
    const refusal = roleDelegationRefusal(request, { grants, target });
    if (!refusal) return false;
    await refuse(reply, refusal, roles.resourceMetadataUrl());
    return true;
  }

  /** `:id` may be a username too: each route below sees the user's id (the audit and the logs record it). */
  const named = {
    preHandler: async (request: FastifyRequest<{ Params: IdParams }>) => {
      request.params.id = (await users.find(request.params.id)).id;
    },
  };

  app.get('/users', async (request) => {
    const { search, limit, offset } = pageQuery(request.query);
    const { users: found, total } = await users.list({ search, limit, offset });
    return { users: found.map(toUserJson), total, limit, offset };
  });

  app.post('/users', async (request, reply) => {
    const changes = parseUserChanges(request.body, 'create');
    if (await refusedDelegation(request, reply, changes.roles)) return reply;
    const user = await users.create(changes);
    request.log.info({ userId: user.id }, 'user created');
    return reply
      .status(201)
      .header('Location', `${request.url.split('?')[0] ?? ''}/${user.id}`)
      .send(toUserJson(user));
  });

  app.get<{ Params: IdParams }>('/users/:id', named, async (request) => toUserJson(await users.get(request.params.id)));

  app.patch<{ Params: IdParams }>('/users/:id', named, async (request, reply) => {
    const changes = parseUserChanges(request.body, 'update');
    if (await refusedDelegation(request, reply, changes.roles, request.params.id)) return reply;
    const user = await users.update(request.params.id, changes);
    request.log.info({ userId: user.id }, 'user updated');
    return toUserJson(user);
  });

  app.post<{ Params: IdParams }>('/users/:id/password', named, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new UserValidationError('body', 'must be a JSON object with a password member');
    if (await refusedDelegation(request, reply, undefined, request.params.id)) return reply;
    await users.setPassword(request.params.id, body.password as string);
    request.log.info({ userId: request.params.id }, 'user password reset');
    return reply.status(204).send();
  });

  app.delete<{ Params: IdParams }>('/users/:id', named, async (request, reply) => {
    if (await refusedDelegation(request, reply, undefined, request.params.id)) return reply;
    await users.delete(request.params.id);
    request.log.info({ userId: request.params.id }, 'user deleted');
    return reply.status(204).send();
  });

  if (options.unlock) {
    app.post<{ Params: IdParams }>('/users/:id/unlock', named, async (request) => {
      const user = await users.unlock(request.params.id);
      request.log.info({ userId: user.id }, 'user unlocked');
      return toUserJson(user);
    });
  }
}
