import formbody from '@fastify/formbody';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallenge } from '../bearer-challenge.js';
import type { CallerCheck } from '../cookie-unsafe-method.js';
import { REALM } from '../protect.js';
import type { ResourceCaller, ResourceGuard } from '../resource-guard.js';
import { missingRoles, roleChallenge, tokenRoles } from '../caller-roles.js';
import { scopeReaches, type CommandRegistry, type LoadedCommand } from './command-registry.js';
import { runCommand, type CommandOutcome } from './command-runner.js';
import { compileInputValidator } from './input-validator.js';
import { destinationPolicy } from './upstream-destination.js';
import { UpstreamClient } from './upstream-request.js';

interface CommandParams {
  app: string;
  name: string;
}

/**
 * The caller's input: a JSON body, a form's fields (an object of strings; a name sent more than once, a list
 * of strings), or a text/plain body (the string). No body is `{}`.
 */
function inputOf(body: unknown): unknown {
  if (body === undefined || body === null) return {};
  // @fastify/formbody's fields come in an object without a prototype: made an ordinary one.
  if (typeof body === 'object' && Object.getPrototypeOf(body) === null) return { ...body };
  return body;
}

const RELAYED_CSP = "default-src 'none'; sandbox";

/** Answers a command's outcome: JSON (also for a handler that answers a bare string), 204, or a relayed answer as it is. */
async function send(reply: FastifyReply, outcome: CommandOutcome): Promise<FastifyReply> {
  switch (outcome.kind) {
    case 'empty':
      return reply.status(204).send();
    case 'relayed':
      // Another system's content under Gatehouse's origin: a browser that renders it (HTML, SVG) runs no script
      // and gets an origin of its own, so it cannot reach the console's cookies or storage.
      return reply.status(outcome.answer.status).headers(outcome.answer.headers).header('Content-Security-Policy', RELAYED_CSP).send(outcome.answer.body);
    case 'json':
      reply.status(outcome.status);
      // fastify would send a bare string as text/plain.
      return typeof outcome.body === 'string' ? reply.type('application/json; charset=utf-8').send(JSON.stringify(outcome.body)) : reply.send(outcome.body);
  }
}

/**
 * Server commands as Web APIs: `POST /api/apps/:app/commands/:name` (JSON, form or text input; JSON out, or
 * what the upstream answered for a relaying http-request command) and `GET /api/apps` (what the caller's scope reaches).
 */
export async function registerCommandsApi(
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
): Promise<void> {
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
  // context.http's client: one for all code commands, made when one first calls out.
  let upstream: UpstreamClient | undefined;
  const sharedUpstream = () => (upstream ??= new UpstreamClient(destinationPolicy(registry.outbound.internalNetworks), registry.outbound.maxResponseBytes));

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

  // Form bodies only here (the user API takes JSON); text/plain is fastify's own parser (the body as a string).
  await app.register(async (commandsScope) => {
    await commandsScope.register(formbody);
    commandsScope.post<{ Params: CommandParams }>('/apps/:app/commands/:name', async (request, reply) => {
      const command = registry.get(request.params.app, request.params.name);
      if (!command) {
        // Only an authenticated caller learns which commands do not exist.
        if (!(await authenticate(request, reply))) return reply;
        return reply.status(404).send({ error: 'not_found', error_description: `no command ${request.params.app}/${request.params.name}` });
      }
      const authorized = await authorize(request, reply, command);
      if (!authorized) return reply;
      const caller = authorized.caller && { clientId: authorized.caller.clientId, sub: authorized.caller.sub, scope: authorized.caller.scope, roles: tokenRoles(authorized.caller.claims) };
      let logger: FastifyBaseLogger | undefined;
      const outcome = await runCommand(command.definition, {
        input: inputOf(request.body),
        caller,
        validate: validatorOf(command),
        logger: () => (logger ??= request.log.child({ command: `${command.definition.app}/${command.definition.name}` })),
        defaultTimeoutMs: options.defaultTimeoutMs,
        upstream: sharedUpstream,
      });
      reply.header('Cache-Control', 'no-store');
      return send(reply, outcome);
    });
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
