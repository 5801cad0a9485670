import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance } from 'fastify';
import { OAuthError } from '../oauth/oauth-error.js';
import { toErrorDescription } from '../shared/error-description.js';
import type { ErrorJson } from '../admin-api/wire.js';
import { ConflictError, FieldValidationError, ForbiddenError, GatehouseError, InvalidFieldsError, NotFoundError, UnauthorizedError, UnavailableError } from '../shared/errors.js';
import type { StoreAvailability } from '../store/store-availability.js';
import { isStoreUnavailableError } from '../shared/store-errors.js';

/** The JSON of every refusal (the admin API's wire type, one shape for every API). */
export type ErrorBody = ErrorJson;

/** The status of each kind of domain error (src/shared/errors.ts); the first base an error extends decides. */
export const STATUS_BY_BASE: ReadonlyArray<readonly [base: abstract new (...args: never[]) => GatehouseError, status: number]> = [
  [FieldValidationError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [UnavailableError, 503],
];

/** The status a domain error is answered with; undefined for one of no known kind. */
export function statusOf(error: GatehouseError): number | undefined {
  return STATUS_BY_BASE.find(([base]) => error instanceof base)?.[1];
}

/** `{"error": code, "error_description": message}`, with the field when the error names one and every field when it names several. */
export function errorBodyOf(error: GatehouseError): ErrorBody {
  const field = error instanceof FieldValidationError || error instanceof ConflictError ? error.field : undefined;
  if (field === undefined) return { error: error.code, error_description: error.message };
  if (!(error instanceof InvalidFieldsError)) return { error: error.code, error_description: error.message, field };
  return { error: error.code, error_description: error.message, field, fields: error.problems.map((problem) => ({ field: problem.field, description: problem.reason })) };
}

/** Seconds a client is asked to wait before retrying while the database is unavailable. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Every error leaves as `{"error", "error_description"}` JSON with the right status; never a stack trace.
 * A database that cannot be reached answers 503 `temporarily_unavailable` (and is reported to `availability`).
 */
export function installErrorHandling(app: FastifyInstance, availability?: StoreAvailability): void {
  // RFC 6749 §5.2 / RFC 6750 §3: whichever route answers, and whatever its description echoes from the
  // request, an error_description leaves in %x20-21 / %x23-5B / %x5D-7E only.
  // A callback hook, not an async one: the hot path's 200 answers pay no extra promise.
  app.addHook('preSerialization', (_request, reply, payload: unknown, done) => {
    if (reply.statusCode < 400 || payload === null || typeof payload !== 'object') return done(null, payload);
    const description = (payload as { error_description?: unknown }).error_description;
    if (typeof description !== 'string') return done(null, payload);
    const safe = toErrorDescription(description);
    done(null, safe === description ? payload : { ...payload, error_description: safe });
  });
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof UnavailableError || isStoreUnavailableError(error)) {
      availability?.reportFailure('request', error);
      return reply
        .status(503)
        .header('Retry-After', String(RETRY_AFTER_SECONDS))
        .header('Cache-Control', 'no-store')
        .send({ error: 'temporarily_unavailable', error_description: 'the database is unavailable; try again shortly' } satisfies ErrorBody);
    }
    if (error instanceof OAuthError) {
      return reply.status(error.status).headers(error.headers).send(error.toJSON());
    }
    if (error instanceof GatehouseError) {
      const status = statusOf(error);
      if (status !== undefined) return reply.status(status).send(errorBodyOf(error));
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: 'invalid_request', error_description: clientErrorDescription(error as FastifyError) } satisfies ErrorBody);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'server_error', error_description: 'the server could not complete the request' } satisfies ErrorBody);
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({ error: 'not_found', error_description: toErrorDescription(`no route for ${request.method} ${request.url.split('?')[0]}`) } satisfies ErrorBody);
  });
}

function clientErrorDescription(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the JSON body is empty';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON';
    default:
      // Fastify's own 4xx messages name the problem without internals (and may quote the request).
      return toErrorDescription(error.message.slice(0, 300));
  }
}

/** What Node reports to a server's clientError event. */
type ClientError = Error & { code?: string };

/** Status and description of an error met before a request reached a route. */
function clientErrorAnswer(code: string | undefined): [status: number, description: string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'the request did not arrive within the time allowed'];
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'the request headers are too large'];
  return [400, 'the request is malformed'];
}

/**
 * fastify's clientErrorHandler: a request that did not arrive in time (the request and headers time-outs),
 * headers too large, or bytes that are no HTTP request are answered in the same `{"error",
 * "error_description"}` form as every other error, and the connection is closed (RFC 9110 §15.5.9).
 */
export function answerClientError(this: FastifyInstance, error: ClientError, socket: Socket): void {
  // A reset connection, or one already closed: nobody is left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, description] = clientErrorAnswer(error.code);
  this.log.debug({ code: error.code, status }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ error: 'invalid_request', error_description: description } satisfies ErrorBody);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
