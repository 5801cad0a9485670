import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { FieldValidationError } from '../shared/errors.js';
import { isRecord } from '../shared/is-record.js';
import type { CommandRegistry } from '../protected-apis/commands/command-registry.js';
import { runCommand, type CommandOutcome } from '../protected-apis/commands/command-runner.js';
import { httpRequestCommand, upstreamClientFor, type UpstreamRequest } from '../protected-apis/commands/http-request-command.js';
import { HttpRequestSpecError, parseHttpRequestSpec, type HttpRequestCommandSpec } from '../protected-apis/commands/http-request-spec.js';
import { compileInputValidator } from '../protected-apis/commands/input-validator.js';
import { flatHeaders } from '../protected-apis/commands/outbound-http.js';
import type { UpstreamAnswer } from '../protected-apis/commands/upstream-request.js';
import { withoutSecrets } from '../protected-apis/commands/url-template.js';
import type { CommandTryResultJson } from './wire.js';

const REDACTED = '[redacted]';
const ENV_PLACEHOLDER = /\{\{\s*env\./;

/**
 * The try's body: a spec (checked as a command file's is, and reaching no more than a stored command may: a try
 * sends what it reads of the environment to the URL it names) and the sample input.
 */
function trialOf(body: unknown, commands: Pick<CommandRegistry, 'checkAuthoredReach'>): { spec: HttpRequestCommandSpec; input: unknown } {
  if (!isRecord(body) || body.spec === undefined) throw new FieldValidationError('spec', 'is required');
  let spec: HttpRequestCommandSpec;
  try {
    spec = parseHttpRequestSpec(body.spec);
  } catch (error) {
    if (error instanceof HttpRequestSpecError) throw error.toFieldError('spec.');
    throw error;
  }
  try {
    commands.checkAuthoredReach(spec);
  } catch (error) {
    if (error instanceof FieldValidationError) throw new FieldValidationError(`spec.${error.field}`, error.reason);
    throw error;
  }
  return { spec, input: body.input === undefined || body.input === null ? {} : body.input };
}

/** Every string in a JSON value with the secrets replaced. */
function redactDeep(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return withoutSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutSecrets(key, secrets), redactDeep(item, secrets)]));
  return value;
}

/** What a caller would get: a relayed answer's body as text, JSON as it is, nothing as null. */
function resultOf(outcome: CommandOutcome, secrets: ReadonlySet<string>): CommandTryResultJson['result'] {
  switch (outcome.kind) {
    case 'empty':
      return { status: 204, body: null };
    case 'relayed':
      return { status: outcome.answer.status, body: withoutSecrets(outcome.answer.body.toString('utf8'), secrets) };
    case 'json':
      return { status: outcome.status, body: redactDeep(outcome.body, secrets) };
  }
}

/**
 * `POST /admin/api/commands/try` (administrators only, as all of /admin/api): runs an http-request spec once,
 * saved or not, with a sample input, on the path of a real call (input schema, destination policy, size and time
 * limits, no redirects), without a caller (a `forwardIdentityHeader` is not sent). Answers 200 with the request
 * as sent, what the upstream answered and what a caller would get; environment values never appear in it (a
 * header filled from `{{env...}}` shows `[redacted]`, any other place the value turns up too). Every try is
 * audited (`command.try`), being a call made on the administrator's behalf.
 */
export function registerCommandTrialApi(app: FastifyInstance, options: { commands: Pick<CommandRegistry, 'outbound' | 'checkAuthoredReach'>; defaultTimeoutMs: () => number }): void {
  app.post('/commands/try', async (request): Promise<CommandTryResultJson> => {
    const { spec, input } = trialOf(request.body, options.commands);
    let validate: (input: unknown) => void;
    try {
      validate = compileInputValidator(spec.input, `${spec.app}/${spec.name}`);
    } catch (error) {
      throw new FieldValidationError('spec.input', (error as Error).message);
    }
    let sent: { request: UpstreamRequest; secrets: ReadonlySet<string> } | undefined;
    let answer: UpstreamAnswer | undefined;
    const upstream = upstreamClientFor(spec, options.commands.outbound);
    const command = httpRequestCommand(spec, options.commands.outbound, {
      upstream,
      observer: {
        request: (built, secrets) => (sent = { request: built, secrets }),
        response: (received) => (answer = received),
      },
    });
    let logger: ReturnType<typeof request.log.child> | undefined;
    const started = performance.now();
    let outcome: CommandOutcome;
    try {
      outcome = await runCommand(command, {
        input,
        caller: undefined,
        validate,
        logger: () => (logger ??= request.log.child({ command: `${String(spec.app)}/${String(spec.name)}`, trial: true })),
        defaultTimeoutMs: options.defaultTimeoutMs(),
        upstream: () => upstream,
      });
    } finally {
      upstream.close();
    }
    const durationMs = Math.round(performance.now() - started);
    const secrets = sent?.secrets ?? new Set<string>();
    const fromEnv = new Set(Object.entries(spec.headers ?? {}).flatMap(([name, template]) => (ENV_PLACEHOLDER.test(template) ? [name.toLowerCase()] : [])));
    return {
      request: sent
        ? {
            method: sent.request.method,
            url: withoutSecrets(sent.request.url.href, secrets),
            headers: Object.fromEntries(Object.entries(sent.request.headers).map(([name, value]) => [name, fromEnv.has(name) ? REDACTED : withoutSecrets(value, secrets)])),
            body: sent.request.body === undefined ? null : withoutSecrets(sent.request.body, secrets),
          }
        : // Refused before it was built (the input): what would have gone out is unknown.
          { method: (spec.method ?? 'GET').toUpperCase(), url: withoutSecrets(spec.url, secrets), headers: {}, body: null },
      response: answer
        ? {
            status: answer.status,
            headers: Object.fromEntries(Object.entries(flatHeaders(answer.headers)).map(([name, value]) => [name, withoutSecrets(value, secrets)])),
            body: withoutSecrets(answer.body.toString('utf8'), secrets),
          }
        : null,
      result: resultOf(outcome, secrets),
      duration_ms: durationMs,
    };
  });
}
