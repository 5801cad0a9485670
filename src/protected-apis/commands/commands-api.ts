import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallenge } from '../bearer-challenge.js';
import type { CallerCheck } from '../cookie-unsafe-method.js';
import { REALM } from '../protect.js';
import type { ResourceCaller, ResourceGuard } from '../resource-guard.js';
import { missingRoles, roleChallenge, tokenRoles } from '../caller-roles.js';
import { isCommandError } from './command.js';
import { scopeReaches, type CommandRegistry, type LoadedCommand } from './command-registry.js';
import { checkInputDepth, compileInputValidator } from './input-validator.js';

interface CommandParams {
  app: string;
  name: string;
}

class CommandTimeout extends Error {}

/**
 * Runs a handler with a time limit; the handler's signal aborts when the limit passes. The AbortController is
 * made only when the handler asks for the signal (or the limit passes): most commands never look at it.
 */
async function withTimeLimit<T>(timeoutMs: number, run: (signal: () => AbortSignal) => Promise<T>): Promise<T> {
  let controller: AbortController | undefined;
  const signal = () => (controller ??= new AbortController()).signal;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      (controller ??= new AbortController()).abort();
      reject(new CommandTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(signal), timeout]);
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
    /** Runs on every accepted caller (the cookie check of unsafe methods); throws a BearerChallenge to refuse. */
    checkCaller: CallerCheck;
  },
): void {
  const { registry, guard } = options;
  // Compiled on a command's first call and kept while the registry holds that command (stored ones come and go).
  const validators = new WeakMap<LoadedCommand, (input: unknown) => void>();
  const validatorOf = (command: LoadedCommand) => {
    let validate = validators.get(command);
    if (!validate) {
      validate = compileInputValidator(command.definition.input, `${command.definition.app}/${command.definition.name}`);
      validators.set(command, validate);
    }
    return validate;
  };
  // The folder's schemas are compiled at start: a bad one stops the server, as it always did.
  for (const command of registry.all()) validatorOf(command);

  async function refuse(reply: FastifyReply, challenge: BearerChallenge): Promise<void> {
    await reply.status(challenge.status).header('WWW-Authenticate', challenge.header(REALM, options.resourceMetadataUrl())).header('Cache-Control', 'no-store').send(challenge.body());
  }

  /** The caller of a valid token (any scope), or undefined after answering a refusal. */
  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<ResourceCaller | undefined> {
    try {
      const caller = await guard.check(options.tokenOf(request), []);
      options.checkCaller(request, caller);
      request.caller = caller;
      return caller;
    } catch (error) {
      if (!(error instanceof BearerChallenge)) throw error;
      await refuse(reply, error);
      return undefined;
    }
  }

  /** The caller of a protected command, or undefined after answering a refusal. */
  async function authorize(request: FastifyRequest, reply: FastifyReply, command: LoadedCommand): Promise<{ caller: ResourceCaller | undefined } | undefined> {
    if (!command.protection.protected) return { caller: undefined };
    try {
      const caller = await guard.check(options.tokenOf(request), []);
      options.checkCaller(request, caller);
      if (!scopeReaches(caller.scope, command.protection, registry.scopeNames.commands)) {
        const needed = command.protection.scope.join(' ');
        throw new BearerChallenge(403, 'insufficient_scope', `the access token lacks the scope ${needed} (or ${registry.scopeNames.commands[0]})`, needed);
      }
      if (command.protection.roles.length > 0) {
        const missing = missingRoles(tokenRoles(caller.claims), command.protection.roles);
        if (missing.length > 0) throw roleChallenge(missing, caller.claims);
      }
      // The cookie-renewal hook reads it.
      request.caller = caller;
      return { caller };
    } catch (error) {
      if (!(error instanceof BearerChallenge)) throw error;
      await refuse(reply, error);
      return undefined;
    }
  }

  app.post<{ Params: CommandParams }>('/apps/:app/commands/:name', async (request, reply) => {
    const command = registry.get(request.params.app, request.params.name);
    if (!command) {
      // Only an authenticated caller learns which commands do not exist.
      if (!(await authenticate(request, reply))) return reply;
      return reply.status(404).send({ error: 'not_found', error_description: `no command ${request.params.app}/${request.params.name}` });
    }
    const authorized = await authorize(request, reply, command);
    if (!authorized) return reply;
    const input: unknown = request.body ?? {};
    checkInputDepth(input);
    validatorOf(command)(input);
    const caller = authorized.caller && { clientId: authorized.caller.clientId, sub: authorized.caller.sub, scope: authorized.caller.scope, roles: tokenRoles(authorized.caller.claims) };
    // The logger is made when the handler first uses it: a pino child per call costs a no-op command a tenth of its time.
    let logger: FastifyBaseLogger | undefined;
    const commandLogger = () => (logger ??= request.log.child({ command: `${command.definition.app}/${command.definition.name}` }));
    try {
      const output = await withTimeLimit(command.definition.timeoutMs ?? options.defaultTimeoutMs, async (signal) =>
        command.definition.handler({
          input,
          caller,
          get logger() {
            return commandLogger();
          },
          get signal() {
            return signal();
          },
        }),
      );
      reply.header('Cache-Control', 'no-store');
      if (output === undefined) return reply.status(204).send();
      // JSON out, also for a handler that answers a bare string (fastify would send it as text/plain).
      return typeof output === 'string' ? reply.type('application/json; charset=utf-8').send(JSON.stringify(output)) : reply.send(output);
    } catch (error) {
      if (error instanceof CommandTimeout) {
        return reply.status(504).send({ error: 'timeout', error_description: 'the command ran past its time limit' });
      }
      if (isCommandError(error)) {
        const status = error.status >= 400 && error.status <= 599 ? error.status : 500;
        return reply.status(status).send({ error: error.code, error_description: error.message });
      }
      commandLogger().error({ err: error }, 'command failed');
      return reply.status(500).send({ error: 'command_failed', error_description: 'the command failed' });
    }
  });

  app.get('/apps', async (request, reply) => {
    const caller = await authenticate(request, reply);
    if (!caller) return reply;
    const roles = tokenRoles(caller.claims);
    const reachable = registry.all().filter((command) => scopeReaches(caller.scope, command.protection, registry.scopeNames.commands) && missingRoles(roles, command.protection.roles).length === 0);
    const apps = new Map<string, { name: string; scope: string; protected: boolean; roles?: string[]; description?: string }[]>();
    for (const command of reachable) {
      const list = apps.get(command.definition.app) ?? [];
      list.push({
        name: command.definition.name,
        scope: command.protection.scope.join(' '),
        protected: command.protection.protected,
        ...(command.protection.roles.length > 0 ? { roles: command.protection.roles } : {}),
        ...(command.definition.description ? { description: command.definition.description } : {}),
      });
      apps.set(command.definition.app, list);
    }
    reply.header('Cache-Control', 'no-store');
    return { apps: [...apps].map(([name, commands]) => ({ name, commands })) };
  });
}
