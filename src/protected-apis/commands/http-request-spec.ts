import { parseCidrList } from '../../shared/networks.js';
import { isRecord } from '../../shared/is-record.js';
import { FieldValidationError, InvalidFieldsError } from '../../shared/errors.js';
import { FIELD_NAME, headerNameProblem, isUnrelayableHeader, methodProblem, positiveIntegerProblem, urlTemplateProblem } from './command-field-rules.js';
import type { JsonSchema } from './command.js';

/**
 * A command defined in JSON that calls another system: `{"kind": "http-request", ...}`. The one description of
 * its shape: command files (`*.json` in the commands folder), commands stored through the admin API and the
 * console's editor all take it.
 */
export interface HttpRequestCommandSpec {
  kind: 'http-request';
  app: string;
  name: string;
  scope?: string;
  protected?: boolean;
  /** Roles the caller must hold (see CommandDefinition.roles). */
  roles?: string[];
  input?: JsonSchema;
  timeoutMs?: number;
  description?: string;
  method?: string;
  /** URL template: `{{input.id}}` is replaced by the URL-encoded input value, `{{env.NAME}}` by the environment's. */
  url: string;
  headers?: Record<string, string>;
  /**
   * Body template. With `bodyFormat` "json" (the default) any JSON value whose strings `{{input.x}}` are replaced by
   * the input value (any JSON type); "form": an object whose filled values are sent as
   * application/x-www-form-urlencoded (a list as repeated names, an object as JSON text, a missing value left out);
   * "text": a string template sent as text/plain (unless `headers` set a content-type).
   */
  body?: unknown;
  /** How `body` is encoded: "json" (default), "form" or "text". */
  bodyFormat?: HttpRequestBodyFormat;
  /**
   * true: the caller gets what the upstream answered (its status, also 4xx/5xx, and its body as-is, any content
   * type) instead of the answer's JSON; a redirect (3xx) still answers 502 upstream_error.
   */
  relay?: boolean;
  /** With `relay`: the upstream response headers passed to the caller besides content-type (which always is). */
  relayHeaders?: string[];
  /** Most bytes of upstream response body (default: GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES); beyond, 502 upstream_too_large. */
  maxResponseBytes?: number;
  /** CIDR ranges of non-public addresses (loopback, private, link-local...) this command may call. */
  internalNetworks?: string[];
  /** Name of a request header that carries the caller's identity: an RFC 8941 dictionary `client_id="...", sub="..."`. */
  forwardIdentityHeader?: string;
}

export const HTTP_REQUEST_BODY_FORMATS = ['json', 'form', 'text'] as const;
export type HttpRequestBodyFormat = (typeof HTTP_REQUEST_BODY_FORMATS)[number];

/** One thing wrong with a spec: the field (its JSON key, dotted for nested ones) and what is wrong, without its name. */
export interface SpecProblem {
  readonly field: string;
  readonly reason: string;
  /** The words a command file's error shows: the reason after the quoted field name. */
  readonly message: string;
}

function problem(field: string, reason: string): SpecProblem {
  return { field, reason, message: `"${field}" ${reason}` };
}

/**
 * What is wrong with a spec, in words: every field at fault (`problems`), the first one's field as `field`; the
 * message names them all, each after its quoted field name (`"url" must be ...; "timeoutMs" must be ...`).
 */
export class HttpRequestSpecError extends Error {
  override name = 'HttpRequestSpecError';
  readonly field: string;

  constructor(readonly problems: readonly [SpecProblem, ...SpecProblem[]]) {
    super(problems.map((found) => found.message).join('; '));
    this.field = problems[0].field;
  }

  /** One field at fault. */
  static of(field: string, reason: string): HttpRequestSpecError {
    return new HttpRequestSpecError([problem(field, reason)]);
  }

  /** As the APIs report it: every field at fault (under `prefix`, such as `spec.`), each reason without the field's name. */
  toFieldError(prefix = ''): FieldValidationError {
    const [first, ...rest] = this.problems.map((found) => ({ field: `${prefix}${found.field}`, reason: found.reason }));
    return rest.length === 0 ? new FieldValidationError(first!.field, first!.reason) : new InvalidFieldsError([first!, ...rest]);
  }
}

/**
 * Checks a parsed JSON value as an http-request command and returns it as a spec (CIDR lists normalised).
 * Throws HttpRequestSpecError naming every field at fault (a value that is no object: that alone). Names,
 * scopes and roles are checked where the command is registered (the registry knows the reserved scopes).
 */
export function parseHttpRequestSpec(value: unknown): HttpRequestCommandSpec {
  if (!isRecord(value)) throw new HttpRequestSpecError([{ field: 'kind', reason: 'a command definition must be a JSON object', message: 'a command definition must be a JSON object' }]);
  const spec = { ...value } as unknown as HttpRequestCommandSpec;
  const problems: SpecProblem[] = [];
  const check = (field: string, reason: string | null) => {
    if (reason !== null) problems.push(problem(field, reason));
  };
  check('kind', spec.kind === 'http-request' ? null : 'must be "http-request"');
  for (const field of ['app', 'name']) check(field, typeof value[field] === 'string' ? null : 'must be a string');
  for (const [field, valid, expected] of FIELD_TYPES) check(field, value[field] === undefined || valid(value[field]) ? null : `must be ${expected}`);
  check('url', urlTemplateProblem(spec.url));
  if (spec.maxResponseBytes !== undefined) check('maxResponseBytes', positiveIntegerProblem(spec.maxResponseBytes));
  const validFormat = spec.bodyFormat === undefined || (HTTP_REQUEST_BODY_FORMATS as readonly unknown[]).includes(spec.bodyFormat);
  check('bodyFormat', validFormat ? null : `must be one of ${HTTP_REQUEST_BODY_FORMATS.map((format) => `"${format}"`).join(', ')}`);
  if (spec.bodyFormat === 'form' && spec.body !== undefined && !isRecord(spec.body)) check('body', 'must be an object of form fields when "bodyFormat" is "form"');
  if (spec.bodyFormat === 'text' && spec.body !== undefined && typeof spec.body !== 'string') check('body', 'must be a string template when "bodyFormat" is "text"');
  if (spec.relay !== undefined && typeof spec.relay !== 'boolean') check('relay', 'must be true or false');
  if (spec.relayHeaders !== undefined) {
    const headers = relayHeaderList(spec.relayHeaders, spec.relay === true);
    if (typeof headers === 'string') check('relayHeaders', headers);
    else spec.relayHeaders = headers;
  }
  if (spec.internalNetworks !== undefined) {
    try {
      spec.internalNetworks = parseCidrList(spec.internalNetworks);
    } catch (error) {
      check('internalNetworks', (error as Error).message);
    }
  }
  const [first, ...rest] = problems;
  if (first !== undefined) throw new HttpRequestSpecError([first, ...rest]);
  return spec;
}

/**
 * `relayHeaders` as lower-case field names, without duplicates; or what is wrong (headers never relayed, quoted
 * as written, and a list without `relay`).
 */
function relayHeaderList(value: unknown, relay: boolean): string[] | string {
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string' && headerNameProblem(name) === null)) return 'must be a list of header names';
  const refused = (value as string[]).find((name) => isUnrelayableHeader(name.toLowerCase()));
  if (refused !== undefined) return `may not list '${refused}': Gatehouse never relays it`;
  const names = [...new Set(value.map((name: string) => name.toLowerCase()))];
  if (names.length > 0 && !relay) return 'needs "relay": true';
  return names;
}

/** What each optional field of the base shape must be, so that a spec that parses also loads and runs. */
const FIELD_TYPES: [field: string, valid: (value: unknown) => boolean, expected: string][] = [
  ['scope', (value) => typeof value === 'string', 'a string of space-separated scope elements'],
  ['protected', (value) => typeof value === 'boolean', 'true or false'],
  ['input', isRecord, 'a JSON Schema object'],
  ['timeoutMs', (value) => positiveIntegerProblem(value) === null, 'a positive integer'],
  ['description', (value) => typeof value === 'string', 'a string'],
  ['method', (value) => methodProblem(value) === null, 'an HTTP method name'],
  ['headers', (value) => isRecord(value) && Object.entries(value).every(([name, text]) => FIELD_NAME.test(name) && typeof text === 'string'), 'an object of header names to string values'],
  ['forwardIdentityHeader', (value) => headerNameProblem(value) === null, 'a header name'],
];
