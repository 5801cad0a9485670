import type { FastifyInstance } from 'fastify';
import type { CommandRegistry } from '../protected-apis/commands/command-registry.js';
import type { ApplicationsJson, CommandJson } from './wire.js';

/**
 * `GET /admin/api/applications`: the applications and server commands being served, each command with the
 * scope and protection that apply to it: those of GATEHOUSE_COMMANDS_DIR and those stored through
 * `/admin/api/commands` (as this instance has them loaded).
 */
export function registerApplicationsApi(app: FastifyInstance, commands: CommandRegistry): void {
  app.get('/applications', async (): Promise<ApplicationsJson> => {
    const byApp = new Map<string, CommandJson[]>();
    for (const command of commands.all()) {
      const list = byApp.get(command.definition.app) ?? [];
      list.push(commandJson(command));
      byApp.set(command.definition.app, list);
    }
    return {
      applications: commands.applicationNames().map((name) => ({
        name,
        scope: name,
        commands: (byApp.get(name) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
      })),
      // Under the configured scope names (GATEHOUSE_USERS_SCOPE, GATEHOUSE_COMMANDS_SCOPE and their aliases).
      reserved_scopes: commands.reservedScopes(),
    };
  });
}

function commandJson(command: ReturnType<CommandRegistry['all']>[number]): CommandJson {
  return {
    name: command.definition.name,
    path: `/api/apps/${command.definition.app}/commands/${command.definition.name}`,
    description: command.definition.description ?? null,
    protected: command.protection.protected,
    scope: command.protection.scope,
    roles: command.protection.roles,
    timeout_ms: command.definition.timeoutMs ?? null,
  };
}
