import type { FastifyInstance } from 'fastify';

/**
 * Headers every answer carries, whatever route (or error, or 404) produced it: browsers must not guess a
 * content type (a JSON error echoing input must never run as a script) nor show an API answer in a frame.
 * Pages of the console set their own Content-Security-Policy on top.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request, and a promise per request is measurable.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    done();
  });
}
