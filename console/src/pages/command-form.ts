/**
 * The command editor's form, apart from its page: what the fields hold (text as typed), how a stored spec fills
 * them, and how they become the spec the admin API takes. No React here, so the conversions can be read alone.
 */
import {
  COMMAND_ROLES_RULE,
  commandNameProblem,
  headerNameProblem,
  isUnrelayableHeader,
  positiveIntegerProblem,
  urlTemplateProblem,
  validCommandRoles,
  type HttpRequestCommandSpec,
} from '../../../src/admin-api/wire.js';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const BODY_FORMATS = [
  { value: 'json', label: 'JSON', note: 'the template as JSON (application/json)' },
  { value: 'form', label: 'Form', note: 'a JSON object whose filled values are sent URL-encoded (application/x-www-form-urlencoded; a list as repeated names)' },
  { value: 'text', label: 'Text', note: 'the template as plain text (text/plain, unless a content-type header says otherwise)' },
] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number]['value'];

/** The spec as the editor writes it: the shared shape with the fields of relayed answers and body formats. */
export type EditableSpec = HttpRequestCommandSpec;

export interface HeaderRow {
  name: string;
  value: string;
}

export interface CommandFormState {
  app: string;
  name: string;
  description: string;
  method: string;
  url: string;
  headers: HeaderRow[];
  body: string;
  bodyFormat: BodyFormat;
  input: string;
  scope: string;
  roles: string;
  protected: boolean;
  timeoutMs: string;
  maxResponseBytes: string;
  relay: boolean;
  relayHeaders: string;
  forwardIdentityHeader: string;
}

export const EMPTY_COMMAND: CommandFormState = {
  app: '',
  name: '',
  description: '',
  method: 'GET',
  url: '',
  headers: [],
  body: '',
  bodyFormat: 'json',
  input: '',
  scope: '',
  roles: '',
  protected: true,
  timeoutMs: '',
  maxResponseBytes: '',
  relay: false,
  relayHeaders: '',
  forwardIdentityHeader: '',
};

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The form filled from a stored (or folder) spec. */
export function formOf(spec: EditableSpec): CommandFormState {
  const format = spec.bodyFormat ?? 'json';
  return {
    app: spec.app,
    name: spec.name,
    description: spec.description ?? '',
    method: (spec.method ?? 'GET').toUpperCase(),
    url: spec.url,
    headers: Object.entries(spec.headers ?? {}).map(([name, value]) => ({ name, value })),
    body: spec.body === undefined ? '' : format === 'text' && typeof spec.body === 'string' ? spec.body : pretty(spec.body),
    bodyFormat: format,
    input: spec.input === undefined ? '' : pretty(spec.input),
    scope: spec.scope ?? '',
    roles: (spec.roles ?? []).join(', '),
    protected: spec.protected ?? true,
    timeoutMs: spec.timeoutMs === undefined ? '' : String(spec.timeoutMs),
    maxResponseBytes: spec.maxResponseBytes === undefined ? '' : String(spec.maxResponseBytes),
    relay: spec.relay ?? false,
    relayHeaders: (spec.relayHeaders ?? []).join(', '),
    forwardIdentityHeader: spec.forwardIdentityHeader ?? '',
  };
}

/** Where JSON text stops parsing, in words with line and column: "Expected ',' … (line 3, column 5)". */
export function jsonError(text: string): string | null {
  if (text.trim() === '') return null;
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    if (/line \d+ column \d+/.test(message)) return message;
    const at = /at position (\d+)/.exec(message);
    if (!at?.[1]) return message;
    const before = text.slice(0, Number(at[1])).split('\n');
    return `${message} (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
  }
}

/** A list typed comma-, space- or line-separated. */
export function listOf(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

/** A whole number stays a number; anything else goes to the server as typed, which names what is wrong. */
function integerOrText(text: string): number | string {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
}

/**
 * Every error the form finds before asking the server, by field: the server's own rules for names, the URL
 * template, counts, header names and roles (from the wire module), JSON that does not parse, a header named
 * twice or unnamed. Values are quoted as typed.
 */
export function localErrors(form: CommandFormState): Record<string, string> {
  const errors: Record<string, string> = {};
  const check = (field: string, problem: string | null) => {
    if (problem !== null && errors[field] === undefined) errors[field] = problem;
  };
  check('app', form.app.trim() === '' ? 'is required' : commandNameProblem(form.app.trim()));
  check('name', form.name.trim() === '' ? 'is required' : commandNameProblem(form.name.trim()));
  check('url', form.url.trim() === '' ? 'is required' : urlTemplateProblem(form.url.trim()));
  for (const field of ['timeoutMs', 'maxResponseBytes'] as const) {
    const text = form[field];
    if (text.trim() !== '' && positiveIntegerProblem(integerOrText(text)) !== null) check(field, `must be a positive integer; '${text}' is not`);
  }
  if (form.bodyFormat !== 'text') {
    const body = jsonError(form.body);
    if (body) errors.body = `Not JSON: ${body}`;
    else if (form.bodyFormat === 'form' && form.body.trim() !== '' && !isObject(JSON.parse(form.body))) errors.body = 'A form body is a JSON object of field names and values.';
  }
  const input = jsonError(form.input);
  if (input) errors.input = `Not JSON: ${input}`;
  else if (form.input.trim() !== '' && !isObject(JSON.parse(form.input))) errors.input = 'The input schema must be a JSON object, such as {"type": "object"}.';
  const roles = listOf(form.roles);
  if (!validCommandRoles(roles)) check('roles', `${COMMAND_ROLES_RULE}; ${areNot(roles.filter((role) => !validCommandRoles([role])))}`);
  if (form.forwardIdentityHeader.trim() !== '' && headerNameProblem(form.forwardIdentityHeader.trim()) !== null) {
    check('forwardIdentityHeader', `must be a header name; '${form.forwardIdentityHeader}' is not`);
  }
  if (form.relay) {
    const names = listOf(form.relayHeaders);
    const bad = names.filter((name) => headerNameProblem(name) !== null);
    const refused = names.find((name) => headerNameProblem(name) === null && isUnrelayableHeader(name.toLowerCase()));
    if (bad.length > 0) check('relayHeaders', `must be a list of header names; ${areNot(bad)}`);
    else if (refused !== undefined) check('relayHeaders', `may not list '${refused}': Gatehouse never relays it`);
  }
  const seen = new Set<string>();
  form.headers.forEach((row, index) => {
    const name = row.name.trim().toLowerCase();
    if (name === '' && row.value.trim() !== '') errors[`headers.${index}`] = 'Name this header, or remove the row.';
    else if (name !== '' && headerNameProblem(row.name.trim()) !== null) errors[`headers.${index}`] = `must be a header name (letters, digits and !#$%&'*+-.^_\`|~, no spaces); '${row.name}' is not`;
    else if (name !== '' && seen.has(name)) errors[`headers.${index}`] = `The header ${row.name.trim()} is already set above.`;
    seen.add(name);
  });
  return errors;
}

/** `'a' is not`, `'a', 'b' are not`: the values as typed. */
function areNot(values: string[]): string {
  return `${values.map((value) => `'${value}'`).join(', ')} ${values.length === 1 ? 'is' : 'are'} not`;
}

/**
 * What the editor keeps of an unsaved edit when the session expires: the form without the header values (an
 * API key may be typed there; never kept in the browser's storage). `restoreKept` puts back the values of the
 * headers the command, as loaded again, has under the same names.
 */
export interface KeptCommandEdit {
  form: Omit<CommandFormState, 'headers'> & { headers: { name: string }[] };
}

export function keptOf(form: CommandFormState): KeptCommandEdit {
  return { form: { ...form, headers: form.headers.map((row) => ({ name: row.name })) } };
}

/** The kept form with header values from `current` (the spec as loaded again), and whether any value is left to type. */
export function restoreKept(kept: KeptCommandEdit, current: EditableSpec | undefined): { form: CommandFormState; missingValues: boolean } {
  const known = current?.headers ?? {};
  const headers = kept.form.headers.map((row) => ({ name: row.name, value: known[row.name.trim()] ?? '' }));
  return { form: { ...kept.form, headers }, missingValues: headers.some((row) => row.name.trim() !== '' && !(row.name.trim() in known)) };
}

/** The kept edit's key: one per command, and one for a new command. */
export function keptKeyOf(command: { app: string; name: string } | null): string {
  return command ? `commands:${command.app}/${command.name}` : 'commands:new';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The spec the form describes, on top of the spec it was opened with (so fields the editor does not show, if a
 * file or a newer server has them, are kept). Call after localErrors found nothing: JSON fields are parsed here.
 */
export function specOf(form: CommandFormState, original?: EditableSpec): EditableSpec {
  const spec: Record<string, unknown> = { ...(original ?? {}), kind: 'http-request', app: form.app.trim(), name: form.name.trim(), method: form.method, url: form.url.trim() };
  const optional = (key: keyof EditableSpec, value: unknown, keep: boolean) => {
    if (keep) spec[key] = value;
    else delete spec[key];
  };
  optional('description', form.description.trim(), form.description.trim() !== '');
  const headers = form.headers.filter((row) => row.name.trim() !== '');
  optional('headers', Object.fromEntries(headers.map((row) => [row.name.trim(), row.value])), headers.length > 0);
  const hasBody = form.body.trim() !== '';
  optional('body', hasBody ? (form.bodyFormat === 'text' ? form.body : (JSON.parse(form.body) as unknown)) : undefined, hasBody);
  optional('bodyFormat', form.bodyFormat, hasBody && form.bodyFormat !== 'json');
  optional('input', form.input.trim() === '' ? undefined : (JSON.parse(form.input) as unknown), form.input.trim() !== '');
  optional('scope', form.scope.trim(), form.scope.trim() !== '');
  const roles = listOf(form.roles);
  optional('roles', roles, roles.length > 0);
  optional('protected', form.protected, !form.protected || original?.protected !== undefined);
  optional('timeoutMs', integerOrText(form.timeoutMs), form.timeoutMs.trim() !== '');
  optional('maxResponseBytes', integerOrText(form.maxResponseBytes), form.maxResponseBytes.trim() !== '');
  optional('relay', true, form.relay);
  const relayHeaders = listOf(form.relayHeaders);
  optional('relayHeaders', relayHeaders, form.relay && relayHeaders.length > 0);
  optional('forwardIdentityHeader', form.forwardIdentityHeader.trim(), form.forwardIdentityHeader.trim() !== '');
  return spec as unknown as EditableSpec;
}

/**
 * The form field a server's `field` names: the spec's JSON key, maybe under `spec.` (the try endpoint) and dotted
 * for nested values (`headers.x-api-key`, `input.properties`). Unknown names stay as they are (shown above the form).
 */
export function formFieldOf(field: string): string {
  const key = field.replace(/^spec\./, '');
  const top = key.split(/[.[]/)[0] ?? key;
  return top in EMPTY_COMMAND ? top : key;
}

/** `{{input.x}}` paths a template uses, in order, each once (URL, header values, body). */
export function inputPlaceholders(form: CommandFormState): string[] {
  const text = [form.url, ...form.headers.map((row) => row.value), form.body].join('\n');
  const found = [...text.matchAll(/\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}/g)].map((match) => match[1] ?? '');
  return [...new Set(found)];
}

/** `{{env.NAME}}` names a template uses (their values stay on the server). */
export function envPlaceholders(form: CommandFormState): string[] {
  const text = [form.url, ...form.headers.map((row) => row.value), form.body].join('\n');
  return [...new Set([...text.matchAll(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((match) => match[1] ?? ''))];
}

/**
 * A first sample input for the Try panel: the schema's properties with an example of their type, or, without
 * a schema, each `{{input.x}}` the templates use.
 */
export function sampleInputOf(form: CommandFormState): string {
  const sample: Record<string, unknown> = {};
  let schema: unknown;
  try {
    schema = form.input.trim() === '' ? undefined : JSON.parse(form.input);
  } catch {
    schema = undefined;
  }
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : undefined;
  if (properties) {
    for (const [name, property] of Object.entries(properties)) sample[name] = exampleOf(property);
  } else {
    for (const path of inputPlaceholders(form)) sample[path.split('.')[0] ?? path] = '';
  }
  return pretty(sample);
}

function exampleOf(schema: unknown): unknown {
  if (!isObject(schema)) return '';
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0] as unknown;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as unknown;
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}
