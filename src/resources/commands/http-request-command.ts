import { CommandError, type CommandContext, type CommandDefinition, type JsonSchema } from './command.js';

/** A command defined in JSON that calls another system: `{"kind": "http-request", ...}`. */
export interface HttpRequestCommandSpec {
  kind: 'http-request';
  app: string;
  name: string;
  scope?: string;
  protected?: boolean;
  input?: JsonSchema;
  timeoutMs?: number;
  description?: string;
  method?: string;
  /** URL template: `{{input.id}}` is replaced by the URL-encoded input value, `{{env.NAME}}` by the environment's. */
  url: string;
  headers?: Record<string, string>;
  /** JSON body template: strings `{{input.x}}` are replaced by the input value (any JSON type). */
  body?: unknown;
  /** Name of a request header that carries the caller's identity (`client_id` and `sub`). */
  forwardIdentityHeader?: string;
}

function lookup(input: unknown, path: string): unknown {
  let value: unknown = input;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A template value as text: objects as JSON, nothing as ''. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

const PLACEHOLDER = /\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}/g;

/** `{{env.NAME}}`: a value from the server's environment (base URLs, API keys), never from the request. */
const ENV_PLACEHOLDER = /\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function fillEnv(template: string): string {
  return template.replace(ENV_PLACEHOLDER, (_match, name: string) => process.env[name] ?? '');
}

function fillUrl(template: string, input: unknown): string {
  return fillEnv(template).replace(PLACEHOLDER, (_match, path: string) => {
    const text = textOf(lookup(input, path));
    // URL parsers resolve "." and ".." (even percent-encoded) as path segments: an input could climb the path.
    if (text === '.' || text === '..') throw new CommandError(400, 'invalid_request', `input.${path} may not be "." or ".."`);
    return encodeURIComponent(text);
  });
}

function fillBody(template: unknown, input: unknown): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}$/.exec(template);
    if (whole?.[1]) return lookup(input, whole[1]);
    return template.replace(PLACEHOLDER, (_match, path: string) => {
      const value = lookup(input, path);
      return textOf(value);
    });
  }
  if (Array.isArray(template)) return template.map((item) => fillBody(item, input));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fillBody(value, input)]));
  }
  return template;
}

/** Turns a JSON spec into a command whose handler makes the HTTP call and relays the JSON answer. */
export function httpRequestCommand(spec: HttpRequestCommandSpec): CommandDefinition {
  const method = (spec.method ?? 'GET').toUpperCase();
  return {
    app: spec.app,
    name: spec.name,
    ...(spec.scope !== undefined ? { scope: spec.scope } : {}),
    ...(spec.protected !== undefined ? { protected: spec.protected } : {}),
    ...(spec.input !== undefined ? { input: spec.input } : {}),
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    description: spec.description ?? `${method} ${spec.url}`,
    async handler({ input, caller, signal }: CommandContext<unknown>) {
      const headers: Record<string, string> = { accept: 'application/json' };
      for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = fillEnv(value);
      if (spec.forwardIdentityHeader && caller) headers[spec.forwardIdentityHeader.toLowerCase()] = `client_id=${caller.clientId}; sub=${caller.sub}`;
      let body: string | undefined;
      if (spec.body !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = JSON.stringify(fillBody(spec.body, input));
        headers['content-type'] ??= 'application/json';
      }
      const url = fillUrl(spec.url, input);
      if (!/^https?:\/\//.test(url)) throw new CommandError(500, 'misconfigured', 'the command\'s URL is not an http(s) URL; check its environment variables');
      let response: Response;
      try {
        // Redirects are not followed: they could carry the configured headers (API keys) to another host.
        response = await fetch(url, { method, headers, body, signal, redirect: 'manual' });
      } catch (error) {
        if (signal.aborted) throw error;
        throw new CommandError(502, 'upstream_unreachable', `the upstream system cannot be reached (${(error as Error).message})`);
      }
      const text = await response.text();
      if (!response.ok) throw new CommandError(502, 'upstream_error', `the upstream system answered HTTP ${response.status}`);
      if (text === '') return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return { text };
      }
    },
  };
}
