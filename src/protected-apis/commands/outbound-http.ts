import type { IncomingHttpHeaders } from 'node:http';
import { CommandError, type CommandHttp, type CommandHttpRequest, type CommandHttpResponse, type CommandLogger } from './command.js';
import { UpstreamFailure, type UpstreamAnswer, type UpstreamClient } from './upstream-request.js';

/** How each kind of failed upstream call answers the caller, and the line the log gets. */
export const UPSTREAM_FAILURES: Record<UpstreamFailure['kind'], { code: string; description: string; log: string }> = {
  unreachable: { code: 'upstream_unreachable', description: 'the upstream system cannot be reached', log: 'upstream system unreachable' },
  refused: { code: 'upstream_not_allowed', description: 'the upstream address is not one this command may call', log: 'upstream address not allowed' },
  too_large: { code: 'upstream_too_large', description: 'the upstream system answered more than the command accepts', log: 'upstream response too large' },
};

/** The error a failed upstream call answers with: 502 and a fixed description (the reason is only logged). */
export function upstreamCallError(failure: UpstreamFailure): CommandError {
  const answer = UPSTREAM_FAILURES[failure.kind];
  return new CommandError(502, answer.code, answer.description);
}

/** Response headers as one string each (Node keeps set-cookie as a list). */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function responseOf(answer: UpstreamAnswer): CommandHttpResponse {
  const headers = flatHeaders(answer.headers);
  return {
    status: answer.status,
    ok: answer.status >= 200 && answer.status <= 299,
    headers,
    bytes: () => new Uint8Array(answer.body),
    text: () => answer.body.toString('utf8'),
    json: <T>() => JSON.parse(answer.body.toString('utf8')) as T,
  };
}

/** The body's bytes and the content-type it implies (headers set by the command win). */
function encodedBody(options: CommandHttpRequest): { body: string | Buffer | undefined; type: string | undefined } {
  if (options.json !== undefined) {
    if (options.body !== undefined) throw new TypeError('context.http.request: give either body or json, not both');
    return { body: JSON.stringify(options.json), type: 'application/json' };
  }
  const body = options.body;
  if (body === undefined) return { body: undefined, type: undefined };
  if (typeof body === 'string') return { body, type: 'text/plain; charset=utf-8' };
  if (body instanceof URLSearchParams) return { body: body.toString(), type: 'application/x-www-form-urlencoded' };
  return { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), type: 'application/octet-stream' };
}

/**
 * `context.http` of one command call: requests through the shared guarded client (destination policy, size limit,
 * no redirects), bound to the call's signal. Failures reject with a CommandError whose description is fixed; where
 * the call went (method and host, never the path or query, which may hold keys) and why it failed are logged.
 */
export function commandHttp(upstream: () => UpstreamClient, signal: () => AbortSignal, logger: () => CommandLogger): CommandHttp {
  return {
    async request(target, options = {}) {
      const url = typeof target === 'string' ? (URL.canParse(target) ? new URL(target) : undefined) : new URL(target.href);
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new TypeError('context.http.request: the URL must be an absolute http(s) URL');
      const method = (options.method ?? 'GET').toUpperCase();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
      const { body, type } = encodedBody(options);
      if (type !== undefined) headers['content-type'] ??= type;
      const commandSignal = signal();
      const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
      const where = { method, host: url.host };
      try {
        return responseOf(await upstream().request(url, { method, headers, body, signal: timeout ? AbortSignal.any([commandSignal, timeout]) : commandSignal }));
      } catch (error) {
        if (timeout?.aborted && !commandSignal.aborted) {
          logger().warn({ upstream: where, timeoutMs: options.timeoutMs }, 'upstream system did not answer in time');
          throw new CommandError(504, 'upstream_timeout', 'the upstream system did not answer in time');
        }
        if (commandSignal.aborted || !(error instanceof UpstreamFailure)) throw error;
        logger().warn({ upstream: where, reason: error.message }, UPSTREAM_FAILURES[error.kind].log);
        throw upstreamCallError(error);
      }
    },
  };
}
