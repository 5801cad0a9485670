import { callerIdentityField } from './caller-identity-field.js';
import { CommandError, type CommandContext, type CommandDefinition, type JsonSchema } from './command.js';
import { INPUT_PLACEHOLDER, fillEnv, fillUrl, loggableUrl, lookupInput, textOf, withoutSecrets } from './url-template.js';

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
  /** Name of a request header that carries the caller's identity: an RFC 8941 dictionary `client_id="...", sub="..."`. */
  forwardIdentityHeader?: string;
}

function fillBody(template: unknown, input: unknown): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}$/.exec(template);
    if (whole?.[1]) return lookupInput(input, whole[1]);
    return template.replace(INPUT_PLACEHOLDER, (_match, path: string) => textOf(lookupInput(input, path)));
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
    async handler({ input, caller, signal, logger }: CommandContext<unknown>) {
      /** Environment values this call uses: never in an answer or a log line. */
      const secrets = new Set<string>();
      const headers: Record<string, string> = { accept: 'application/json' };
      for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = fillEnv(value, secrets);
      if (spec.forwardIdentityHeader && caller) headers[spec.forwardIdentityHeader.toLowerCase()] = callerIdentityField(caller);
      let body: string | undefined;
      if (spec.body !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = JSON.stringify(fillBody(spec.body, input));
        headers['content-type'] ??= 'application/json';
      }
      const url = fillUrl(spec.url, input, secrets);
      if (!/^https?:\/\//.test(url)) throw new CommandError(500, 'misconfigured', 'the command\'s URL is not an http(s) URL; check its environment variables');
      /** Where the call went, as the log shows it (no credentials, no environment values). */
      const upstreamOf = () => ({ method, url: loggableUrl(spec.url, input), host: URL.canParse(url) ? new URL(url).host : undefined });
      let response: Response;
      try {
        // Redirects are not followed: they could carry the configured headers (API keys) to another host.
        response = await fetch(url, { method, headers, body, signal, redirect: 'manual' });
      } catch (error) {
        if (signal.aborted) throw error;
        const cause = (error as Error & { cause?: unknown }).cause;
        const reason = [(error as Error).message, cause instanceof Error ? cause.message : undefined].filter(Boolean).join(': ');
        logger.warn({ upstream: upstreamOf(), reason: withoutSecrets(reason, secrets) }, 'upstream system unreachable');
        throw new CommandError(502, 'upstream_unreachable', 'the upstream system cannot be reached');
      }
      const text = await response.text();
      if (!response.ok) {
        logger.warn({ upstream: { ...upstreamOf(), status: response.status } }, 'upstream system answered an error');
        throw new CommandError(502, 'upstream_error', `the upstream system answered HTTP ${response.status}`);
      }
      if (text === '') return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return { text };
      }
    },
  };
}
