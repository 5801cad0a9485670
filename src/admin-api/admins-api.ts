import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toAdminJson } from '../admin-accounts/admin-account.js';
import type { AdminAccounts } from '../admin-accounts/admin-accounts.js';
import { adminActorOf } from './admin-auth.js';
import type { AdminJson, AdminsJson } from './wire.js';

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/**
 * `/admin/api/admins`: the console's accounts (list, create with a role, change the role, reset the password,
 * delete). An account is named by id or username. Deleting yourself, and deleting or demoting the last account
 * with the `admin` role, answer 409 (`cannot_delete_self`, `last_admin`). A reset or a deletion ends the
 * account's console sessions. Auditors reach only the GET (admin-auth keeps them read-only).
 */
export function registerAdminsApi(app: FastifyInstance, admins: AdminAccounts): void {
  app.get('/admins', async (): Promise<AdminsJson> => ({ admins: (await admins.list()).map(toAdminJson) }));

  app.get<{ Params: { id: string } }>('/admins/:id', async (request): Promise<AdminJson> => toAdminJson(await admins.find(request.params.id)));

  app.post('/admins', async (request, reply) => {
    const body = bodyOf(request);
    const created = await admins.create(body.username, body.password, body.role ?? 'admin');
    request.log.info({ admin: created.username, role: created.role }, 'console account created');
    return reply.status(201).send(toAdminJson(created) satisfies AdminJson);
  });

  app.patch<{ Params: { id: string } }>('/admins/:id', async (request): Promise<AdminJson> => {
    const body = bodyOf(request);
    return toAdminJson(await admins.setRole(request.params.id, body.role));
  });

  app.post<{ Params: { id: string } }>('/admins/:id/password', async (request, reply) => {
    await admins.setPassword(request.params.id, bodyOf(request).password);
    return reply.status(204).send();
  });

  app.delete<{ Params: { id: string } }>('/admins/:id', async (request, reply) => {
    await admins.delete(request.params.id, adminActorOf(request)?.adminId);
    return reply.status(204).send();
  });
}
