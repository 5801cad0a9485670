import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createResourceServer, type Caller, type ResourceServerOptions } from './resource-server.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope this route needs (space-separated); `false` switches protection off for the route. */
    gatehouseScope?: string | false;
  }
  interface FastifyRequest {
    gatehouseCaller?: Caller;
  }
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
 * Fastify plugin: every route of the scope it is registered in needs a valid token with `options.scope`;
 * a route's `config.gatehouseScope` names its own scope or, with `false`, switches protection off.
 */
export async function fastifyGuard(app: FastifyInstance, options: ResourceServerOptions): Promise<void> {
  const guard = createResourceServer(options);
  app.decorateRequest('gatehouseCaller', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const declared = request.routeOptions.config.gatehouseScope;
    if (declared === false) return;
    const result = await guard.check(request.headers, declared ?? options.scope);
    if (result.ok) {
      request.gatehouseCaller = result.caller;
      return;
    }
    await reply.status(result.status).headers(result.headers).send(result.body);
  });
}
(fastifyGuard as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
