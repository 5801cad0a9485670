/** Input that failed validation, naming the field; APIs answer 400 with it, the CLI names the flag. */
export class FieldValidationError extends Error {
  constructor(
    readonly field: string,
    /** What is wrong, without the field name. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'FieldValidationError';
  }
}
