import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallenge } from '../bearer-challenge.js';
import { REALM } from '../protect.js';
import type { ResourceCaller, ResourceGuard } from '../resource-guard.js';
import { isCommandError } from './command.js';
import { scopeReaches, type CommandRegistry, type LoadedCommand } from './command-registry.js';
import { compileInputValidator } from './input-validator.js';

interface CommandParams {
  app: string;
  name: string;
}

class CommandTimeout extends Error {}

/** Runs a handler with a time limit; the handler's signal aborts when the limit passes. */
async function withTimeLimit<T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CommandTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Server commands as Web APIs: `POST /api/apps/:app/commands/:name` (JSON in, JSON out) and
 * `GET /api/apps` (what the caller's scope reaches).
 */
export function registerCommandsApi(
  app: FastifyInstance,
  options: {
    registry: CommandRegistry;
    guard: ResourceGuard;
    resourceMetadataUrl: () => string;
    defaultTimeoutMs: number;
    tokenOf: (request: FastifyRequest) => string | undefined;
  },
): void {
  const { registry, guard } = options;
  const validators = new Map<LoadedCommand, (input: unknown) => void>(
    registry.all().map((command) => [command, compileInputValidator(command.definition.input, `${command.definition.app}/${command.definition.name}`)]),
  );

  async function refuse(reply: FastifyReply, challenge: BearerChallenge): Promise<void> {
    await reply
      .status(challenge.status)
      .header('WWW-Authenticate', challenge.header(REALM, options.resourceMetadataUrl()))
      .header('Cache-Control', 'no-store')
      .send(challenge.body());
  }

  /** The caller of a protected command, or undefined after answering a refusal. */
  async function authorize(request: FastifyRequest, reply: FastifyReply, command: LoadedCommand): Promise<{ caller: ResourceCaller | undefined } | undefined> {
    if (!command.protection.protected) return { caller: undefined };
    try {
      const caller = await guard.check(options.tokenOf(request), []);
      if (!scopeReaches(caller.scope, command.protection)) {
        const needed = command.protection.scope.join(' ');
        throw new BearerChallenge(403, 'insufficient_scope', `the access token lacks the scope ${needed} (or commands)`, needed);
      }
      return { caller };
    } catch (error) {
      if (!(error instanceof BearerChallenge)) throw error;
      await refuse(reply, error);
      return undefined;
    }
  }

  app.post<{ Params: CommandParams }>('/apps/:app/commands/:name', async (request, reply) => {
    const command = registry.get(request.params.app, request.params.name);
    if (!command) return reply.status(404).send({ error: 'not_found', error_description: `no command ${request.params.app}/${request.params.name}` });
    const authorized = await authorize(request, reply, command);
    if (!authorized) return reply;
    const input: unknown = request.body ?? {};
    validators.get(command)?.(input);
    const caller = authorized.caller && { clientId: authorized.caller.clientId, sub: authorized.caller.sub, scope: authorized.caller.scope };
    const logger = request.log.child({ command: `${command.definition.app}/${command.definition.name}` });
    try {
      const output = await withTimeLimit(command.definition.timeoutMs ?? options.defaultTimeoutMs, async (signal) =>
        command.definition.handler({ input, caller, logger, signal }),
      );
      reply.header('Cache-Control', 'no-store');
      return output === undefined ? reply.status(204).send() : reply.send(output);
    } catch (error) {
      if (error instanceof CommandTimeout) {
        return reply.status(504).send({ error: 'timeout', error_description: 'the command ran past its time limit' });
      }
      if (isCommandError(error)) {
        const status = error.status >= 400 && error.status <= 599 ? error.status : 500;
        return reply.status(status).send({ error: error.code, error_description: error.message });
      }
      logger.error({ err: error }, 'command failed');
      return reply.status(500).send({ error: 'command_failed', error_description: 'the command failed' });
    }
  });

  app.get('/apps', async (request, reply) => {
    let caller: ResourceCaller;
    try {
      caller = await guard.check(options.tokenOf(request), []);
    } catch (error) {
      if (!(error instanceof BearerChallenge)) throw error;
      return refuse(reply, error);
    }
    const reachable = registry.all().filter((command) => scopeReaches(caller.scope, command.protection));
    const apps = new Map<string, { name: string; scope: string; protected: boolean; description?: string }[]>();
    for (const command of reachable) {
      const list = apps.get(command.definition.app) ?? [];
      list.push({
        name: command.definition.name,
        scope: command.protection.scope.join(' '),
        protected: command.protection.protected,
        ...(command.definition.description ? { description: command.definition.description } : {}),
      });
      apps.set(command.definition.app, list);
    }
    reply.header('Cache-Control', 'no-store');
    return { apps: [...apps].map(([name, commands]) => ({ name, commands })) };
  });
}
