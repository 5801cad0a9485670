import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/** secure-json-parse's message for a poisoned body (its other errors are JSON.parse's own). */
const FORBIDDEN_PROTOTYPE = 'Object contains forbidden prototype property';

/**
 * JSON bodies where an empty body counts as none: many HTTP clients send
 * Content-Type: application/json on every request, also on a bodiless DELETE.
 * A body with a `__proto__` member or a `constructor.prototype` at any depth (also written with
 * escapes) is refused, as fastify's own parser does: such members poison objects that code merges.
 */
export function lenientJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) as unknown);
    } catch (error) {
      const poisoned = error instanceof SyntaxError && error.message === FORBIDDEN_PROTOTYPE;
      const description = poisoned ? 'the JSON body holds a __proto__ or constructor.prototype member' : 'the body is not valid JSON';
      done(Object.assign(new Error(description), { statusCode: 400 }), undefined);
    }
  });
}
