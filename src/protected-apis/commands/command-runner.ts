import { toErrorDescription } from '../../shared/error-description.js';
import { FieldValidationError } from '../../shared/errors.js';
import { isCommandError, type CommandCaller, type CommandDefinition, type CommandHttp, type CommandLogger } from './command.js';
import { checkInputDepth } from './input-validator.js';
import { commandHttp } from './outbound-http.js';
import { RelayedAnswer } from './relayed-answer.js';
import type { UpstreamClient } from './upstream-request.js';

/** What a command call answers: JSON (its output, or an error body), nothing (204), or a relayed answer as it is. */
export type CommandOutcome = { kind: 'json'; status: number; body: unknown } | { kind: 'empty'; status: 204 } | { kind: 'relayed'; answer: RelayedAnswer };

/** One call of a command. */
export interface CommandCall {
  input: unknown;
  caller: CommandCaller | undefined;
  /** Checks the input against the command's schema; throws a FieldValidationError. */
  validate: (input: unknown) => void;
  /** Made when the handler first uses it (a pino child per call costs a no-op command a tenth of its time). */
  logger: () => CommandLogger;
  /** The server's time limit, for a command without its own. */
  defaultTimeoutMs: number;
  /** The guarded client `context.http` uses, made on first use. */
  upstream: () => UpstreamClient;
}

class CommandTimeout extends Error {}

/**
 * Runs a handler with a time limit; the handler's signal aborts when the limit passes. The AbortController is
 * made only when the handler asks for the signal (or the limit passes): most commands never look at it.
 */
async function withTimeLimit<T>(timeoutMs: number, run: (signal: () => AbortSignal) => Promise<T>): Promise<T> {
  let controller: AbortController | undefined;
  const signal = () => (controller ??= new AbortController()).signal;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      (controller ??= new AbortController()).abort();
      reject(new CommandTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks the input and runs the command: the one path of `POST /api/apps/:app/commands/:name` and of the admin
 * API's try. Every outcome is an answer (input refused, time limit, CommandError, a failure logged as 500).
 */
export async function runCommand(definition: CommandDefinition, call: CommandCall): Promise<CommandOutcome> {
  const { input } = call;
  try {
    checkInputDepth(input);
    call.validate(input);
  } catch (error) {
    if (!(error instanceof FieldValidationError)) throw error;
    return { kind: 'json', status: 400, body: { error: error.code, error_description: toErrorDescription(error.message), field: error.field } };
  }
  try {
    const output = await withTimeLimit(definition.timeoutMs ?? call.defaultTimeoutMs, async (signal) => {
      let http: CommandHttp | undefined;
      return definition.handler({
        input,
        caller: call.caller,
        get logger() {
          return call.logger();
        },
        get signal() {
          return signal();
        },
        get http() {
          return (http ??= commandHttp(call.upstream, signal, call.logger));
        },
      });
    });
    if (output instanceof RelayedAnswer) return { kind: 'relayed', answer: output };
    if (output === undefined) return { kind: 'empty', status: 204 };
    return { kind: 'json', status: 200, body: output };
  } catch (error) {
    if (error instanceof CommandTimeout) return { kind: 'json', status: 504, body: { error: 'timeout', error_description: 'the command ran past its time limit' } };
    if (isCommandError(error)) {
      const status = error.status >= 400 && error.status <= 599 ? error.status : 500;
      return { kind: 'json', status, body: { error: error.code, error_description: toErrorDescription(error.message) } };
    }
    call.logger().error({ err: error }, 'command failed');
    return { kind: 'json', status: 500, body: { error: 'command_failed', error_description: 'the command failed' } };
  }
}
