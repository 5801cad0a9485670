import type { FastifyInstance } from 'fastify';

const PREFLIGHT_MAX_AGE_S = 600;

/**
 * CORS for endpoints that browser apps call directly and that use no cookies (the token, revocation and
 * UserInfo endpoints of public clients, discovery): any origin may read the answer, credentials are never
 * allowed (`*`), so a page can only do what its own bearer token or client_id lets it.
 */
export function allowAnyOrigin(app: FastifyInstance, paths: readonly string[], methods: readonly string[]): void {
  const routes = new Set(paths);
  for (const path of paths) {
    app.options(path, async (_request, reply) =>
      reply
        .header('Access-Control-Allow-Origin', '*')
        .header('Access-Control-Allow-Methods', methods.join(', '))
        .header('Access-Control-Allow-Headers', 'authorization, content-type')
        .header('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_S))
        .status(204)
        .send(),
    );
  }
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.headers.origin !== undefined && routes.has(request.routeOptions.url ?? '')) {
      reply.header('Access-Control-Allow-Origin', '*').header('Access-Control-Expose-Headers', 'WWW-Authenticate, Retry-After');
    }
    done(null, payload);
  });
}
