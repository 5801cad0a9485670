import { callerIdentityField } from './caller-identity-field.js';
import { CommandError, type CommandContext, type CommandDefinition } from './command.js';
import type { HttpRequestCommandSpec } from './http-request-spec.js';
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

/** Server-wide limits of http-request commands (a command's own settings win). */
export interface OutboundSettings {
  /** Default most bytes of upstream response body. */
  maxResponseBytes: number;
  /** CIDR ranges of non-public addresses every command may call. */
  internalNetworks: readonly string[];
}

const FAILURES: Record<UpstreamFailure['kind'], { code: string; description: string; log: string }> = {
  unreachable: { code: 'upstream_unreachable', description: 'the upstream system cannot be reached', log: 'upstream system unreachable' },
  refused: { code: 'upstream_not_allowed', description: 'the upstream address is not one this command may call', log: 'upstream address not allowed' },
  too_large: { code: 'upstream_too_large', description: 'the upstream system answered more than the command accepts', log: 'upstream response too large' },
};

/** Turns a JSON spec into a command whose handler makes the HTTP call and relays the JSON answer. */
export function httpRequestCommand(spec: HttpRequestCommandSpec, outbound: OutboundSettings): CommandDefinition {
  const method = (spec.method ?? 'GET').toUpperCase();
  const upstream = new UpstreamClient(destinationPolicy([...outbound.internalNetworks, ...(spec.internalNetworks ?? [])]), spec.maxResponseBytes ?? outbound.maxResponseBytes);
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
      const headers: Record<string, string> = { accept: 'application/json' };
      for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = fillEnv(value, secrets);
      if (spec.forwardIdentityHeader && caller) headers[spec.forwardIdentityHeader.toLowerCase()] = callerIdentityField(caller);
      let body: string | undefined;
      if (spec.body !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = JSON.stringify(fillBody(spec.body, input));
        headers['content-type'] ??= 'application/json';
      }
      const filled = fillUrl(spec.url, input, secrets);
      const url = /^https?:\/\//.test(filled) && URL.canParse(filled) ? new URL(filled) : undefined;
      if (!url) throw new CommandError(500, 'misconfigured', 'the command URL is not an http(s) URL; check its environment variables');
      /** Where the call went, as the log shows it (no credentials, no environment values). */
      const upstreamOf = () => ({ method, url: loggableUrl(spec.url, input), host: url.host });
      let answer: UpstreamAnswer;
      try {
        answer = await upstream.request(url, { method, headers, body, signal });
      } catch (error) {
        if (signal.aborted || !(error instanceof UpstreamFailure)) throw error;
        const failure = FAILURES[error.kind];
        logger.warn({ upstream: upstreamOf(), reason: withoutSecrets(error.message, secrets) }, failure.log);
        throw new CommandError(502, failure.code, failure.description);
      }
      if (answer.status < 200 || answer.status > 299) {
        logger.warn({ upstream: { ...upstreamOf(), status: answer.status } }, 'upstream system answered an error');
        throw new CommandError(502, 'upstream_error', `the upstream system answered HTTP ${answer.status}`);
      }
      if (answer.body === '') return {};
      try {
        return JSON.parse(answer.body) as unknown;
      } catch {
        return { text: answer.body };
      }
    },
  };
}
