/**
 * The kinds of failure the domain reports. Every domain error extends one of these bases, and each base has a
 * stable, machine-readable `code`; callers decide by base class, never by the concrete class or its module.
 * No transport here: the HTTP layer maps a base class to a status (src/server/error-handler.ts), the CLI
 * prints the message as one line.
 */
export abstract class GatehouseError extends Error {
  /** Stable and machine-readable: the `error` member of the JSON error body. */
  abstract readonly code: string;
}

/** Something named by the request does not exist (a client, a user, a profile, ...). */
export abstract class NotFoundError extends GatehouseError {
  readonly code: string = 'not_found';
}

/** The change would clash with what exists: a taken name, or a thing still in use. */
export abstract class ConflictError extends GatehouseError {
  readonly code: string = 'conflict';

  constructor(
    message: string,
    /** The field whose value clashes, when one does (a taken id or name). */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Input that failed validation, naming the field; APIs answer 400 with it, the CLI names the flag. */
export class FieldValidationError extends GatehouseError {
  readonly code: string = 'invalid_request';

  constructor(
    readonly field: string,
    /** What is wrong, without the field name. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'FieldValidationError';
  }
}

/** The caller did not prove who it is (missing or wrong credentials). */
export abstract class UnauthorizedError extends GatehouseError {
  readonly code: string = 'unauthorized';
}

/** The caller is known but may not do this. */
export abstract class ForbiddenError extends GatehouseError {
  readonly code: string = 'forbidden';
}

/** A dependency (the database) cannot answer right now; the same request may succeed later. */
export abstract class UnavailableError extends GatehouseError {
  readonly code: string = 'temporarily_unavailable';
}
