import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../oauth/oauth-error.js';
import { APP_TOKEN_LAUNCH_PATH, APP_TOKEN_PATH } from '../oauth/endpoints/paths.js';
import { BearerChallenge } from '../protected-apis/bearer-challenge.js';
import { PROTECTED_RESOURCE_METADATA_PATH, REALM } from '../protected-apis/protect.js';
import { FieldValidationError } from '../shared/errors.js';
import { errorBodyOf } from './error-handler.js';

/**
 * Characters no store keeps as sent: NUL (a PostgreSQL text value cannot hold U+0000; SQLite would keep it,
 * so the stores would disagree) and unpaired UTF-16 surrogates (no UTF-8 form: the database driver would
 * silently store U+FFFD instead of what the caller sent).
 */
// eslint-disable-next-line no-control-regex -- NUL is what this refuses
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Names echoed in a refusal: only plain ones (the refused name itself may hold the bad character, or quotes). */
const PLAIN_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Where an unstorable character was found: the field path (dotted, when every step has a plain name) and the part of the request. */
export interface UnstorableInput {
  part: 'path' | 'query' | 'body';
  field: string | undefined;
}

/** True when a string holds a character no store keeps as sent. */
export function hasUnstorableCharacter(value: string): boolean {
  return UNSTORABLE.test(value);
}

/**
 * The first string (object key or value, at any depth) that holds a character no store keeps, or undefined.
 * Walks without recursion, so a deeply nested body cannot overflow the stack.
 */
export function findUnstorable(value: unknown): { field: string | undefined } | undefined {
  const pending: { value: unknown; field: string | null | undefined }[] = [{ value, field: undefined }];
  while (pending.length > 0) {
    const item = pending.pop() as { value: unknown; field: string | null | undefined };
    if (typeof item.value === 'string') {
      if (UNSTORABLE.test(item.value)) return { field: item.field ?? undefined };
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null || Buffer.isBuffer(item.value)) continue;
    const entries = Array.isArray(item.value) ? item.value.map((element, index) => [String(index), element] as const) : Object.entries(item.value);
    for (const [key, element] of entries) {
      if (UNSTORABLE.test(key)) return { field: item.field ?? undefined };
      // null: a step of the path has a name not fit to echo, so the refusal names no field.
      const field = item.field === null || !PLAIN_NAME.test(key) ? null : item.field === undefined ? key : `${item.field}.${key}`;
      pending.push({ value: element, field });
    }
  }
  return undefined;
}

/** The route parameters, query parameters and parsed body of a request, checked in that order. */
export function unstorableInputOf(request: FastifyRequest): UnstorableInput | undefined {
  for (const [part, value] of [
    ['path', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const found = findUnstorable(value);
    if (found) return { part, field: found.field };
  }
  return undefined;
}

const REFUSAL = 'holds a NUL character or an unpaired surrogate, which the server does not accept';

function describe(input: UnstorableInput): string {
  const where = { path: 'a path segment', query: 'a query parameter', body: 'a body field' }[input.part];
  return `${input.field === undefined ? where : `${where} (${input.field})`} ${REFUSAL}`;
}

/** Which error form a request's route family answers in. */
function familyOf(url: string): 'admin' | 'resource' | 'oauth' {
  if (url === '/admin/api' || url.startsWith('/admin/api/') || url.startsWith('/admin/api?')) return 'admin';
  if (url.startsWith('/api/') && !url.startsWith(APP_TOKEN_PATH) && !url.startsWith(APP_TOKEN_LAUNCH_PATH)) return 'resource';
  return 'oauth';
}

/**
 * A refusal of bad input in the form of the route family: the admin API's field error under /admin/api
 * (`{"error", "error_description", "field"}`), an RFC 6750 `invalid_request` challenge for the protected
 * resources under /api, and RFC 6749 `{"error", "error_description"}` elsewhere. Thrown, so the error
 * handler answers it as it answers every other error of the family.
 */
function refusalError(request: FastifyRequest, issuer: () => string, refusal: { status: number; field: string; reason: string; description: string }): FieldValidationError | OAuthError {
  switch (familyOf(request.url)) {
    case 'admin':
      return new FieldValidationError(refusal.field, refusal.reason);
    case 'resource': {
      const challenge = new BearerChallenge(400, 'invalid_request', refusal.description);
      return new OAuthError(refusal.status, 'invalid_request', refusal.description, { 'WWW-Authenticate': challenge.header(REALM, `${issuer()}${PROTECTED_RESOURCE_METADATA_PATH}`) });
    }
    case 'oauth':
      return new OAuthError(refusal.status, 'invalid_request', refusal.description);
  }
}

/**
 * Refuses, with 400 invalid_request, any request whose path segments, query parameters or body (form
 * values, JSON keys and values at any depth) hold a NUL or an unpaired surrogate, before any handler
 * or store sees them; in the form of the route family (see `refusalError`). Runs after authentication
 * hooks, so an unauthenticated request still gets its 401.
 */
export function installInputGuard(app: FastifyInstance, options: { issuer: () => string }): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const found = unstorableInputOf(request);
    if (found) throw refusalError(request, options.issuer, { status: 400, field: found.field ?? found.part, reason: REFUSAL, description: describe(found) });
  });
}

/**
 * fastify's `frameworkErrors` option: the router's own refusals (a path that is not valid percent-encoded
 * UTF-8, a path segment past the length limit) in the route family's form instead of fastify's default body.
 * They come before any route, so they are answered here rather than by the error handler.
 */
export function frameworkErrorAnswer(issuer: () => string) {
  return (error: { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    if (error.code !== 'FST_ERR_BAD_URL' && error.code !== 'FST_ERR_MAX_PARAM_LENGTH') {
      // Only the routing constraints Gatehouse does not use are left.
      void reply.status(500).send({ error: 'server_error', error_description: 'the server could not route the request' });
      return;
    }
    const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
    const reason = tooLong ? 'is too long' : 'is not valid percent-encoded UTF-8';
    const status = tooLong ? 414 : 400;
    const refusal = refusalError(request, issuer, { status, field: 'path', reason, description: `a path segment ${reason}` });
    reply.status(status).header('Cache-Control', 'no-store');
    if (refusal instanceof FieldValidationError) {
      void reply.send(errorBodyOf(refusal));
    } else {
      void reply.headers(refusal.headers).send(refusal.toJSON());
    }
  };
}
