import { FieldValidationError } from '../shared/errors.js';

/**
 * Runs `work` and renames the field of a validation error to the command-line flag that set it, so that
 * `--lifetime: must be ...` names what the user typed.
 */
export async function namingFlags<T>(flagOfField: Record<string, string>, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const flag = error instanceof FieldValidationError ? flagOfField[error.field] : undefined;
    if (error instanceof FieldValidationError && flag !== undefined) throw new FieldValidationError(flag, error.reason);
    throw error;
  }
}
