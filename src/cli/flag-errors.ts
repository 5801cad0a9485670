import { FieldValidationError, InvalidFieldsError, problemsOf } from '../shared/errors.js';

/**
 * Runs `work` and renames the field of a validation error to the command-line flag that set it, so that
 * `--lifetime: must be ...` names what the user typed.
 */
export async function namingFlags<T>(flagOfField: Record<string, string>, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof FieldValidationError) || !problemsOf(error).some((problem) => flagOfField[problem.field] !== undefined)) throw error;
    const [first, ...rest] = problemsOf(error).map((problem) => ({ field: flagOfField[problem.field] ?? problem.field, reason: problem.reason }));
    throw rest.length === 0 ? new FieldValidationError(first!.field, first!.reason) : new InvalidFieldsError([first!, ...rest]);
  }
}
