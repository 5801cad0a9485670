import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CommandRegistry, LoadedCommand } from '../protected-apis/commands/command-registry.js';
import { StoredCommandNotFoundError, type StoredCommands } from '../protected-apis/commands/stored-commands.js';
import { adminActorOf } from './admin-auth.js';
import type { DeclarativeCommandJson, DeclarativeCommandsJson } from './wire.js';

interface CommandParams {
  app: string;
  name: string;
}

/** A command as the admin API shows it: its spec as saved (`{{env.NAME}}` placeholders unresolved), never an environment value. */
export function declarativeCommandJson(command: LoadedCommand): DeclarativeCommandJson {
  return {
    app: command.definition.app,
    name: command.definition.name,
    source: command.stored ? 'console' : 'folder',
    spec: command.spec ?? null,
    protected: command.protection.protected,
    scope: command.protection.scope,
    roles: command.protection.roles,
    updated_at: command.stored ? new Date(command.stored.updatedAt).toISOString() : null,
    updated_by: command.stored?.updatedBy ?? null,
  };
}

function byAppAndName(a: DeclarativeCommandJson, b: DeclarativeCommandJson): number {
  return a.app === b.app ? a.name.localeCompare(b.name) : a.app.localeCompare(b.app);
}

/** Who saved: the administrator's name, or `admin-token` (as the audit log names them). */
function actorOf(request: FastifyRequest): string {
  return adminActorOf(request)?.actor ?? 'unknown';
}

/**
 * `/admin/api/commands`: the declarative commands. Those of the folder (GATEHOUSE_COMMANDS_DIR) are listed
 * read-only; http-request commands are created, replaced and deleted here, stored in the database and served
 * by every instance once its change feed reports them.
 */
export function registerCommandsAdminApi(app: FastifyInstance, services: { commands: CommandRegistry; storedCommands: StoredCommands }): void {
  const { commands, storedCommands } = services;

  app.get('/commands', async (): Promise<DeclarativeCommandsJson> => ({ commands: commands.all().map(declarativeCommandJson).sort(byAppAndName) }));

  app.get<{ Params: CommandParams }>('/commands/:app/:name', async (request) => {
    const command = commands.get(request.params.app, request.params.name);
    if (!command) throw new StoredCommandNotFoundError(request.params.app, request.params.name);
    return declarativeCommandJson(command);
  });

  app.post('/commands', async (request, reply) => {
    const command = await storedCommands.create(request.body, actorOf(request));
    const { app: appName, name } = command.definition;
    request.log.info({ command: `${appName}/${name}` }, 'stored command created');
    return reply
      .status(201)
      .header('Location', `/admin/api/commands/${encodeURIComponent(appName)}/${encodeURIComponent(name)}`)
      .send(declarativeCommandJson(command));
  });

  app.put<{ Params: CommandParams }>('/commands/:app/:name', async (request) => {
    const command = await storedCommands.update(request.params.app, request.params.name, request.body, actorOf(request));
    request.log.info({ command: `${request.params.app}/${request.params.name}` }, 'stored command replaced');
    return declarativeCommandJson(command);
  });

  app.delete<{ Params: CommandParams }>('/commands/:app/:name', async (request, reply) => {
    await storedCommands.delete(request.params.app, request.params.name);
    request.log.info({ command: `${request.params.app}/${request.params.name}` }, 'stored command deleted');
    return reply.status(204).send();
  });
}
