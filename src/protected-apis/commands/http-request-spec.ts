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
  /** JSON body template: strings `{{input.x}}` are replaced by the input value (any JSON type). */
  body?: unknown;
  /** Most bytes of upstream response body (default: GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES); beyond, 502 upstream_too_large. */
  maxResponseBytes?: number;
  /** CIDR ranges of non-public addresses (loopback, private, link-local...) this command may call. */
  internalNetworks?: string[];
  /** Name of a request header that carries the caller's identity: an RFC 8941 dictionary `client_id="...", sub="..."`. */
  forwardIdentityHeader?: string;
}

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
  if (spec.internalNetworks !== undefined) {
    try {
      spec.internalNetworks = parseCidrList(spec.internalNetworks);
    } catch (error) {
      throw new HttpRequestSpecError('internalNetworks', `"internalNetworks" ${(error as Error).message}`);
    }
  }
  return spec;
}

/** An HTTP token (RFC 9110 §5.6.2): a method or a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/** What each optional field of the base shape must be, so that a spec that parses also loads and runs. */
const FIELD_TYPES: [field: string, valid: (value: unknown) => boolean, expected: string][] = [
  ['scope', (value) => typeof value === 'string', 'a string of space-separated scope elements'],
  ['protected', (value) => typeof value === 'boolean', 'true or false'],
  ['input', isRecord, 'a JSON Schema object'],
  ['timeoutMs', (value) => Number.isSafeInteger(value) && (value as number) >= 1, 'a positive integer'],
  ['description', (value) => typeof value === 'string', 'a string'],
  ['method', (value) => typeof value === 'string' && TOKEN.test(value), 'an HTTP method name'],
  ['headers', (value) => isRecord(value) && Object.entries(value).every(([name, text]) => TOKEN.test(name) && typeof text === 'string'), 'an object of header names to string values'],
  ['forwardIdentityHeader', (value) => typeof value === 'string' && TOKEN.test(value), 'a header name'],
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
