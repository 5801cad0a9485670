import type { FastifyBaseLogger } from 'fastify';

/** The logger a command gets (pino, bound to the request and the command). */
export type CommandLogger = Pick<FastifyBaseLogger, 'trace' | 'debug' | 'info' | 'warn' | 'error'>;

/** A JSON Schema (draft 2020-12 / draft-07 subset that Ajv understands). */
export type JsonSchema = Record<string, unknown>;

/** Who called a command; undefined for an unprotected command. */
export interface CommandCaller {
  clientId: string;
  sub: string;
  scope: string[];
  /** The user's roles (the token's `roles` claim, with the `roles` scope); [] for a client token or without it. */
  roles: string[];
}

export interface CommandContext<Input> {
  input: Input;
  caller: CommandCaller | undefined;
  logger: CommandLogger;
  /** Aborted when the command runs past its time limit. */
  signal: AbortSignal;
  /** Calls to other systems, under the limits of http-request commands (made on first use). */
  http: CommandHttp;
}

/** A request made with `context.http.request`. */
export interface CommandHttpRequest {
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  /** A URLSearchParams body is sent as application/x-www-form-urlencoded, a string as text/plain (unless `headers` set a content-type). */
  body?: string | Uint8Array | URLSearchParams;
  /** A value sent as JSON (application/json); instead of `body`. */
  json?: unknown;
  /** Time limit of this request in milliseconds; the command's own limit applies anyway. */
  timeoutMs?: number;
}

/** What the other system answered (any status: redirects are not followed, a 3xx is an answer like the others). */
export interface CommandHttpResponse {
  status: number;
  /** true for a 2xx status. */
  ok: boolean;
  /** Header names in lower case; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  bytes: () => Uint8Array;
  /** The body as UTF-8 text. */
  text: () => string;
  /** The body parsed as JSON (throws a SyntaxError when it is not). */
  json: <T = unknown>() => T;
}

/**
 * The outbound HTTP helper of a command: the destination policy of http-request commands (public addresses, and
 * the internal networks of GATEHOUSE_COMMAND_INTERNAL_NETWORKS), their response size limit
 * (GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES), the command's time limit; redirects are not followed. A call that gets
 * no answer rejects with a CommandError (status 502 and code `upstream_not_allowed`, `upstream_unreachable` or
 * `upstream_too_large`; 504 `upstream_timeout` past `timeoutMs`), which answers the caller as it would for an
 * http-request command when the handler lets it through.
 */
export interface CommandHttp {
  request: (url: string | URL, options?: CommandHttpRequest) => Promise<CommandHttpResponse>;
}

/** Brands that survive two copies of this module (the CLI's and a command folder's). */
const COMMAND = Symbol.for('gatehouse.command');
const APPLICATION = Symbol.for('gatehouse.application');
const COMMAND_ERROR = Symbol.for('gatehouse.command-error');

export interface CommandDefinition<Input = unknown, Output = unknown> {
  /** The application (a group of commands); its name is the scope its commands need by default. */
  app: string;
  name: string;
  /** Scope elements this command needs (space-separated); wins over the application's. */
  scope?: string;
  /** false: no token needed (unless a scope is declared here). */
  protected?: boolean;
  /** Roles the caller must hold (the token's `roles` claim), besides the application's; any role protects the command. */
  roles?: string[];
  /** JSON Schema of the input; a request that does not match answers 400 naming the field. */
  input?: JsonSchema;
  /** Time limit in milliseconds (default: the server's). */
  timeoutMs?: number;
  description?: string;
  handler: (context: CommandContext<Input>) => Output | Promise<Output>;
}

export interface ApplicationDefinition {
  name: string;
  /** Scope its commands need unless they declare their own (default: the application's name). */
  scope?: string;
  /** false: its commands need no token unless they declare a scope. */
  protected?: boolean;
  /** Roles the caller of every one of its commands must hold (a command may add more). */
  roles?: string[];
  description?: string;
}

/** Declares a server command. */
export function defineCommand<Input = unknown, Output = unknown>(definition: CommandDefinition<Input, Output>): CommandDefinition<Input, Output> {
  return Object.assign(definition, { [COMMAND]: true });
}

/** Declares an application's protection for all its commands. */
export function defineApplication(definition: ApplicationDefinition): ApplicationDefinition {
  return Object.assign(definition, { [APPLICATION]: true });
}

export function isCommandDefinition(value: unknown): value is CommandDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[COMMAND] === true;
}

export function isApplicationDefinition(value: unknown): value is ApplicationDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APPLICATION] === true;
}

/** An error a command throws on purpose: answered with its status and code, its message as the description. */
export class CommandError extends Error {
  readonly [COMMAND_ERROR] = true;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export function isCommandError(value: unknown): value is CommandError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[COMMAND_ERROR] === true;
}
