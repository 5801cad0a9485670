import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeRequirement } from '../protected-apis/route-requirement.js';
import { createResourceServer, type Caller, type GuardResult, type ResourceServerOptions } from './resource-server.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope this route needs (space-separated); `false` switches protection off for the route. */
    gatehouseScope?: string | false;
  }
  interface FastifyRequest {
    gatehouseCaller?: Caller;
  }
}

/**
 * For `node:http` and anything else with request headers: `(req, scope?) => Promise<result>`, the caller
 * or the status, headers and body to refuse with; it writes nothing.
 */
export function createRequestGuard(options: ResourceServerOptions) {
  const guard = createResourceServer(options);
  return (request: { headers: IncomingHttpHeaders }, scope?: string): Promise<GuardResult> => guard.check(request.headers, scope);
}

/** For `node:http`: resolves to the caller, or answers the refusal itself and resolves to undefined. */
export function createNodeGuard(options: ResourceServerOptions) {
  const guard = createResourceServer(options);
  return async (request: IncomingMessage, response: ServerResponse, scope?: string): Promise<Caller | undefined> => {
    const result = await guard.check(request.headers, scope);
    if (result.ok) return result.caller;
    response.writeHead(result.status, { ...result.headers, 'Content-Type': 'application/json' });
    response.end(JSON.stringify(result.body));
    return undefined;
  };
}

/** Express-style middleware: sets `req.gatehouseCaller` and calls `next()`, or answers the refusal. */
export function expressGuard(options: ResourceServerOptions) {
  const guard = createResourceServer(options);
  return (request: IncomingMessage & { gatehouseCaller?: Caller }, response: ServerResponse, next: (error?: unknown) => void): void => {
    guard.check(request.headers).then(
      (result) => {
        if (result.ok) {
          request.gatehouseCaller = result.caller;
          next();
          return;
        }
        response.writeHead(result.status, { ...result.headers, 'Content-Type': 'application/json' });
        response.end(JSON.stringify(result.body));
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * Fastify plugin: every route of the scope it is registered in needs a valid token with `options.scope`
 * (none with `options.protected: false`); a route's `config.gatehouseScope` names its own scope, which
 * wins and protects even in an unprotected group, or, with `false`, switches protection off.
 */
export async function fastifyGuard(app: FastifyInstance, options: ResourceServerOptions): Promise<void> {
  const guard = createResourceServer(options);
  app.decorateRequest('gatehouseCaller', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const declared = request.routeOptions.config.gatehouseScope;
    const required = routeRequirement(
      { ...(typeof declared === 'string' ? { scope: declared } : {}), ...(declared === false ? { protected: false } : {}) },
      { ...(options.scope !== undefined ? { scope: options.scope } : {}), ...(options.protected !== undefined ? { protected: options.protected } : {}) },
    );
    if (required === null) return;
    const result = await guard.check(request.headers, required.join(' '));
    if (result.ok) {
      request.gatehouseCaller = result.caller;
      return;
    }
    await reply.status(result.status).headers(result.headers).send(result.body);
  });
}
(fastifyGuard as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
