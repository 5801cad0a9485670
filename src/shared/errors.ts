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

/** One invalid field of a request: the field and what is wrong with its value (without the field name). */
export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * Several invalid fields of one request, reported together so that a form can mark every one at once.
 * `field` and `reason` are the first problem's (for callers that show one); the message names them all.
 */
export class InvalidFieldsError extends FieldValidationError {
  constructor(readonly problems: readonly [FieldProblem, ...FieldProblem[]]) {
    super(problems[0].field, problems[0].reason);
    this.message = problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ');
    this.name = 'InvalidFieldsError';
  }
}

/** The problems a validation error stands for: its list when it has several, else its one field. */
export function problemsOf(error: FieldValidationError): readonly FieldProblem[] {
  return error instanceof InvalidFieldsError ? error.problems : [{ field: error.field, reason: error.reason }];
}

/**
 * Runs every check of `checks` (one per field, in order), so that one bad field does not hide the next:
 * answers their results by name, or throws what failed — the one FieldValidationError itself when one field
 * failed, an InvalidFieldsError with every problem when several did. Other errors pass through at once.
 */
export function checkFields<T extends Record<string, () => unknown>>(checks: T): { [K in keyof T]: ReturnType<T[K]> } {
  const results: Record<string, unknown> = {};
  const failures: FieldValidationError[] = [];
  for (const [name, check] of Object.entries(checks)) {
    try {
      results[name] = check();
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      failures.push(error);
    }
  }
  const [first, ...rest] = failures;
  if (first === undefined) return results as { [K in keyof T]: ReturnType<T[K]> };
  if (rest.length === 0) throw first;
  const [head, ...tail] = failures.flatMap(problemsOf);
  throw new InvalidFieldsError([head!, ...tail]);
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
