import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the console (the same place from src/ under tsx and from dist/). */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/**
 * Script and style only from this origin (no inline code, no eval), no framing, no plugins; the console
 * talks only to its own origin's admin API.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply
    .header('Content-Security-Policy', CONSOLE_CSP)
    .header('X-Frame-Options', 'DENY')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cross-Origin-Opener-Policy', 'same-origin');
}

/** `GET /` leads a person who opens the server's address to the console (302: the root may one day show more). */
export function redirectRootToConsole(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.redirect('/admin/', 302));
}

/** The web console's static files at /admin/, with a fallback to index.html for the app's own paths. */
export async function adminConsole(app: FastifyInstance, options: { root?: string }): Promise<void> {
  const root = options.root ?? CONSOLE_ROOT;
  app.addHook('onSend', async (request, reply, payload) => {
    securityHeaders(reply);
    // Hashed asset names change with their content; the page itself is always fetched fresh.
    reply.header('Cache-Control', request.url.startsWith('/admin/assets/') && reply.statusCode === 200 ? 'public, max-age=31536000, immutable' : 'no-cache');
    return payload;
  });
  app.get('', async (_request, reply) => reply.redirect('/admin/', 308));

  if (!existsSync(`${root}index.html`)) {
    app.get('/*', async (_request, reply) => reply.status(503).type('text/plain; charset=utf-8').send('The web console is not built. Run "npm run build" (npm install does it).\n'));
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/', index: 'index.html', wildcard: true, cacheControl: false });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.method === 'GET' && !path.startsWith('/admin/api/') && !path.startsWith('/admin/assets/')) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return reply.status(404).send({ error: 'not_found', error_description: `no route for ${request.method} ${path}` });
  });
}
