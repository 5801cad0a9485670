import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies where an empty body counts as none: many HTTP clients send
 * Content-Type: application/json on every request, also on a bodiless DELETE.
 */
export function lenientJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
}
