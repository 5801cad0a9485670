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
