import { checkFields, FieldValidationError, InvalidFieldsError, type FieldProblem } from '../shared/errors.js';

/** A client field that failed validation; the admin API answers 400 naming `field`. */
export class ClientValidationError extends FieldValidationError {
  override name = 'ClientValidationError';
  /** RFC 7591 §3.2.2: the registration error for bad metadata. */
  override readonly code: string = 'invalid_client_metadata';
}

/** Several client fields that failed validation at once: answered like one, with every field listed. */
export class InvalidClientFieldsError extends InvalidFieldsError {
  override readonly code: string = 'invalid_client_metadata';

  constructor(problems: readonly [FieldProblem, ...FieldProblem[]]) {
    super(problems);
    this.name = 'InvalidClientFieldsError';
  }
}

/** checkFields for client metadata: several problems keep the client metadata error code. */
export function checkClientFields<T extends Record<string, () => unknown>>(checks: T): { [K in keyof T]: ReturnType<T[K]> } {
  try {
    return checkFields(checks);
  } catch (error) {
    if (error instanceof InvalidFieldsError && !(error instanceof InvalidClientFieldsError)) throw new InvalidClientFieldsError(error.problems);
    throw error;
  }
}
