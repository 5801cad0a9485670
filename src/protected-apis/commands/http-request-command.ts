import { callerIdentityField } from './caller-identity-field.js';
import { CommandError, type CommandContext, type CommandDefinition } from './command.js';
import { isUnrelayableHeader } from './command-field-rules.js';
import type { HttpRequestCommandSpec } from './http-request-spec.js';
import { UPSTREAM_FAILURES, flatHeaders, upstreamCallError } from './outbound-http.js';
import { RelayedAnswer } from './relayed-answer.js';
import { destinationPolicy } from './upstream-destination.js';
import { UpstreamClient, UpstreamFailure, type UpstreamAnswer } from './upstream-request.js';
import { INPUT_PLACEHOLDER, fillEnv, fillUrl, loggableUrl, lookupInput, textOf, withoutSecrets } from './url-template.js';

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

/** Filled form fields as application/x-www-form-urlencoded: a list as repeated names, a missing value left out. */
function formBody(fields: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) if (item !== undefined) params.append(name, textOf(item));
  }
  return params.toString();
}

/** The request body of a spec filled from the input, and the content-type it implies (headers set by the spec win). */
function requestBody(spec: HttpRequestCommandSpec, input: unknown): { body: string; type: string } | undefined {
  if (spec.body === undefined) return undefined;
  switch (spec.bodyFormat ?? 'json') {
    case 'json':
      return { body: JSON.stringify(fillBody(spec.body, input)), type: 'application/json' };
    case 'form':
      return { body: formBody(fillBody(spec.body, input) as Record<string, unknown>), type: 'application/x-www-form-urlencoded' };
    case 'text':
      return { body: textOf(fillBody(spec.body, input)), type: 'text/plain; charset=utf-8' };
  }
}

/** The response headers a relaying command passes on: content-type always, then those it lists (never the unrelayable ones). */
function relayedHeaders(answer: UpstreamAnswer, allowed: readonly string[]): Record<string, string> {
  const headers = flatHeaders(answer.headers);
  const relayed: Record<string, string> = {};
  for (const name of ['content-type', ...allowed]) {
    const value = headers[name];
    if (value !== undefined && !isUnrelayableHeader(name)) relayed[name] = value;
  }
  return relayed;
}

/** Server-wide limits of http-request commands (a command's own settings win). */
export interface OutboundSettings {
  /** Default most bytes of upstream response body. */
  maxResponseBytes: number;
  /** CIDR ranges of non-public addresses every command may call. */
  internalNetworks: readonly string[];
}

/** The request an http-request command sends, as built (environment values in it: see `secrets`). */
export interface UpstreamRequest {
  method: string;
  url: URL;
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
}

/** Sees one call of an http-request command (the admin API's try): what it sent, what came back. */
export interface UpstreamObserver {
  /** The request about to be sent; `secrets` are the environment values it holds, which nobody may be shown. */
  request(request: UpstreamRequest, secrets: ReadonlySet<string>): void;
  response(answer: UpstreamAnswer): void;
}

/** The guarded client of one spec: the server's internal networks and the spec's, its size limit or the server's. */
export function upstreamClientFor(spec: HttpRequestCommandSpec, outbound: OutboundSettings): UpstreamClient {
  return new UpstreamClient(destinationPolicy([...outbound.internalNetworks, ...(spec.internalNetworks ?? [])]), spec.maxResponseBytes ?? outbound.maxResponseBytes);
}

/**
 * Turns a JSON spec into a command whose handler makes the HTTP call and answers with the upstream's JSON, or
 * relays the upstream's answer (`relay`). A try passes its own client (closed after) and an observer that sees
 * the request and the answer.
 */
export function httpRequestCommand(spec: HttpRequestCommandSpec, outbound: OutboundSettings, trial?: { upstream: UpstreamClient; observer: UpstreamObserver }): CommandDefinition {
  const method = (spec.method ?? 'GET').toUpperCase();
  const upstream = trial?.upstream ?? upstreamClientFor(spec, outbound);
  const observer = trial?.observer;
  const relay = spec.relay === true;
  return {
    app: spec.app,
    name: spec.name,
    ...(spec.scope !== undefined ? { scope: spec.scope } : {}),
    ...(spec.protected !== undefined ? { protected: spec.protected } : {}),
    ...(spec.roles !== undefined ? { roles: spec.roles } : {}),
    ...(spec.input !== undefined ? { input: spec.input } : {}),
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    description: spec.description ?? `${method} ${spec.url}`,
    async handler({ input, caller, signal, logger }: CommandContext<unknown>) {
      /** Environment values this call uses: never in an answer or a log line. */
      const secrets = new Set<string>();
      // A relaying command passes on whatever the upstream answers; otherwise it reads JSON.
      const headers: Record<string, string> = { accept: relay ? '*/*' : 'application/json' };
      for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = fillEnv(value, secrets);
      if (spec.forwardIdentityHeader && caller) headers[spec.forwardIdentityHeader.toLowerCase()] = callerIdentityField(caller);
      let body: string | undefined;
      const filledBody = method !== 'GET' && method !== 'HEAD' ? requestBody(spec, input) : undefined;
      if (filledBody) {
        body = filledBody.body;
        headers['content-type'] ??= filledBody.type;
      }
      const filled = fillUrl(spec.url, input, secrets);
      const url = /^https?:\/\//.test(filled) && URL.canParse(filled) ? new URL(filled) : undefined;
      if (!url) throw new CommandError(500, 'misconfigured', 'the command URL is not an http(s) URL; check its environment variables');
      /** Where the call went, as the log shows it (no credentials, no environment values). */
      const upstreamOf = () => ({ method, url: loggableUrl(spec.url, input), host: url.host });
      observer?.request({ method, url, headers, body }, secrets);
      let answer: UpstreamAnswer;
      try {
        answer = await upstream.request(url, { method, headers, body, signal });
      } catch (error) {
        if (signal.aborted || !(error instanceof UpstreamFailure)) throw error;
        logger.warn({ upstream: upstreamOf(), reason: withoutSecrets(error.message, secrets) }, UPSTREAM_FAILURES[error.kind].log);
        throw upstreamCallError(error);
      }
      observer?.response(answer);
      // A redirect is never followed nor relayed: its Location could send the caller, or its headers, elsewhere.
      const relayable = answer.status >= 200 && answer.status <= 599 && (answer.status < 300 || answer.status > 399);
      if (relay && relayable) return new RelayedAnswer(answer.status, relayedHeaders(answer, spec.relayHeaders ?? []), answer.body);
      if (answer.status < 200 || answer.status > 299) {
        logger.warn({ upstream: { ...upstreamOf(), status: answer.status } }, 'upstream system answered an error');
        throw new CommandError(502, 'upstream_error', `the upstream system answered HTTP ${answer.status}`);
      }
      const text = answer.body.toString('utf8');
      if (text === '') return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // Not JSON: the text in a JSON answer (relay passes any content type on as it is).
        return { text };
      }
    },
  };
}
