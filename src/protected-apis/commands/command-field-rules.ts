/**
 * The field rules of an http-request command that need nothing but the value: the server checks command files
 * and stored commands with them (http-request-spec.ts, command-registry.ts) and the console checks its command
 * editor with the same functions before it sends (through src/admin-api/wire.ts). No Node.js imports here.
 * Each answers what is wrong without the field's name, or null when the value is fine.
 */

/** Application and command names. */
export const COMMAND_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const COMMAND_NAME_RULE = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

/** An RFC 9110 field name (a token): header names, and method names. */
export const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What is wrong with an application or command name. */
export function commandNameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  return COMMAND_NAME.test(value) ? null : COMMAND_NAME_RULE;
}

/**
 * Whether a URL template lets input choose where the call goes: every `{{input...}}` must come after the end of
 * the scheme, host and port (a `/`, `?` or `#` after `scheme://` or after a leading `{{env.NAME}}`).
 */
function inputInAuthority(url: string): boolean {
  const first = url.search(/\{\{\s*input\./);
  if (first < 0) return false;
  const prefix = url.slice(0, first);
  const origin = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/|\{\{\s*env\.[A-Za-z_][A-Za-z0-9_]*\s*\}\})/.exec(prefix);
  return !origin || !/[/?#]/.test(prefix.slice(origin[0].length));
}

/** What is wrong with a `url` template. */
export function urlTemplateProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !/^(https?:\/\/|\{\{\s*env\.)/.test(value)) return 'must be an http(s) URL template (it may start with {{env.NAME}})';
  if (inputInAuthority(value)) return 'may not take the scheme, host or port from {{input...}}; input placeholders belong after the first / of the path';
  return null;
}

/** What is wrong with a count that must be a positive integer (`timeoutMs`, `maxResponseBytes`). */
export function positiveIntegerProblem(value: unknown): string | null {
  return Number.isSafeInteger(value) && (value as number) >= 1 ? null : 'must be a positive integer';
}

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

/** What is wrong with a method name (`method`). */
export function methodProblem(value: unknown): string | null {
  return typeof value === 'string' && FIELD_NAME.test(value) ? null : 'must be an HTTP method name';
}

/** What is wrong with a header name (`forwardIdentityHeader`, the names of `headers` and `relayHeaders`). */
export function headerNameProblem(value: unknown): string | null {
  return typeof value === 'string' && FIELD_NAME.test(value) ? null : 'must be a header name';
}

/** The rule of `roles`: role names as the user API takes them. */
export const ROLES_RULE = 'must be a list of role names (1 to 64 printable characters, no spaces)';

/** Whether a `roles` declaration is absent or a list of role names. */
export function validRoles(roles: unknown): boolean {
  return roles === undefined || (Array.isArray(roles) && roles.every((role) => typeof role === 'string' && /^[\x21-\x7E]{1,64}$/.test(role)));
}
