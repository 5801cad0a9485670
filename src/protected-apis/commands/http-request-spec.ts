import { parseCidrList } from '../../shared/networks.js';
import { isRecord } from '../../shared/is-record.js';
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

/**
 * Response headers a relaying command never passes on, whatever `relayHeaders` lists: cookies (they would be set
 * for Gatehouse's origin), hop-by-hop headers and the framing Gatehouse sets itself, the bearer challenge (a
 * relayed 401 must not look like Gatehouse refusing the token), and the caching, security and CORS
 * (`access-control-*`) headers Gatehouse owns.
 */
const UNRELAYABLE_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'www-authenticate',
  'cache-control',
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
]);

/** Whether a response header (lower-case name) is one a relaying command never passes on. */
export function isUnrelayableHeader(name: string): boolean {
  return UNRELAYABLE_HEADERS.has(name) || name.startsWith('access-control-');
}

/** An RFC 9110 field name (a token). */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What is wrong with a spec, in words, naming the field (`field` is its JSON key, dotted for nested ones). */
export class HttpRequestSpecError extends Error {
  override name = 'HttpRequestSpecError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Refuses a URL template that lets input choose where the call goes: every `{{input...}}` must come after the
 * end of the scheme, host and port (a `/`, `?` or `#` after `scheme://` or after a leading `{{env.NAME}}`).
 */
function inputInAuthority(url: string): boolean {
  const first = url.search(/\{\{\s*input\./);
  if (first < 0) return false;
  const prefix = url.slice(0, first);
  const origin = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/|\{\{\s*env\.[A-Za-z_][A-Za-z0-9_]*\s*\}\})/.exec(prefix);
  return !origin || !/[/?#]/.test(prefix.slice(origin[0].length));
}

/**
 * Checks a parsed JSON value as an http-request command and returns it as a spec (CIDR lists normalised).
 * Throws HttpRequestSpecError naming the first field at fault. Names, scopes and roles are checked where the
 * command is registered (the registry knows the reserved scopes).
 */
export function parseHttpRequestSpec(value: unknown): HttpRequestCommandSpec {
  if (!isRecord(value)) throw new HttpRequestSpecError('kind', 'a command definition must be a JSON object');
  const spec = { ...value } as unknown as HttpRequestCommandSpec;
  if (spec.kind !== 'http-request') throw new HttpRequestSpecError('kind', '"kind" must be "http-request"');
  checkFieldTypes(value);
  if (typeof spec.url !== 'string' || !/^(https?:\/\/|\{\{\s*env\.)/.test(spec.url)) {
    throw new HttpRequestSpecError('url', '"url" must be an http(s) URL template (it may start with {{env.NAME}})');
  }
  if (inputInAuthority(spec.url)) {
    throw new HttpRequestSpecError('url', '"url" may not take the scheme, host or port from {{input...}}; input placeholders belong after the first / of the path');
  }
  if (spec.maxResponseBytes !== undefined && (!Number.isSafeInteger(spec.maxResponseBytes) || spec.maxResponseBytes < 1)) {
    throw new HttpRequestSpecError('maxResponseBytes', '"maxResponseBytes" must be a positive integer');
  }
  if (spec.bodyFormat !== undefined && !(HTTP_REQUEST_BODY_FORMATS as readonly unknown[]).includes(spec.bodyFormat)) {
    throw new HttpRequestSpecError('bodyFormat', `"bodyFormat" must be one of ${HTTP_REQUEST_BODY_FORMATS.map((format) => `"${format}"`).join(', ')}`);
  }
  if (spec.bodyFormat === 'form' && spec.body !== undefined && !isRecord(spec.body)) {
    throw new HttpRequestSpecError('body', '"body" must be an object of form fields when "bodyFormat" is "form"');
  }
  if (spec.bodyFormat === 'text' && spec.body !== undefined && typeof spec.body !== 'string') {
    throw new HttpRequestSpecError('body', '"body" must be a string template when "bodyFormat" is "text"');
  }
  if (spec.relay !== undefined && typeof spec.relay !== 'boolean') throw new HttpRequestSpecError('relay', '"relay" must be true or false');
  if (spec.relayHeaders !== undefined) spec.relayHeaders = relayHeaderList(spec.relayHeaders, spec.relay === true);
  if (spec.internalNetworks !== undefined) {
    try {
      spec.internalNetworks = parseCidrList(spec.internalNetworks);
    } catch (error) {
      throw new HttpRequestSpecError('internalNetworks', `"internalNetworks" ${(error as Error).message}`);
    }
  }
  return spec;
}

/** `relayHeaders` as lower-case field names, without duplicates; refuses headers never relayed and a list without `relay`. */
function relayHeaderList(value: unknown, relay: boolean): string[] {
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string' && FIELD_NAME.test(name))) {
    throw new HttpRequestSpecError('relayHeaders', '"relayHeaders" must be a list of header names');
  }
  const names = [...new Set(value.map((name: string) => name.toLowerCase()))];
  const refused = names.find(isUnrelayableHeader);
  if (refused !== undefined) throw new HttpRequestSpecError('relayHeaders', `"relayHeaders" may not list ${refused}: Gatehouse never relays it`);
  if (names.length > 0 && !relay) throw new HttpRequestSpecError('relayHeaders', '"relayHeaders" needs "relay": true');
  return names;
}

/** What each optional field of the base shape must be, so that a spec that parses also loads and runs. */
const FIELD_TYPES: [field: string, valid: (value: unknown) => boolean, expected: string][] = [
  ['scope', (value) => typeof value === 'string', 'a string of space-separated scope elements'],
  ['protected', (value) => typeof value === 'boolean', 'true or false'],
  ['input', isRecord, 'a JSON Schema object'],
  ['timeoutMs', (value) => Number.isSafeInteger(value) && (value as number) >= 1, 'a positive integer'],
  ['description', (value) => typeof value === 'string', 'a string'],
  ['method', (value) => typeof value === 'string' && FIELD_NAME.test(value), 'an HTTP method name'],
  ['headers', (value) => isRecord(value) && Object.entries(value).every(([name, text]) => FIELD_NAME.test(name) && typeof text === 'string'), 'an object of header names to string values'],
  ['forwardIdentityHeader', (value) => typeof value === 'string' && FIELD_NAME.test(value), 'a header name'],
];

/** Refuses `app` and `name` that are no strings, and optional fields of the wrong type, naming the field. */
function checkFieldTypes(value: Record<string, unknown>): void {
  for (const field of ['app', 'name']) {
    if (typeof value[field] !== 'string') throw new HttpRequestSpecError(field, `"${field}" must be a string`);
  }
  for (const [field, valid, expected] of FIELD_TYPES) {
    if (value[field] !== undefined && !valid(value[field])) throw new HttpRequestSpecError(field, `"${field}" must be ${expected}`);
  }
}
