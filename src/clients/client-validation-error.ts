import { FieldValidationError } from '../shared/field-validation-error.js';

/** A client field that failed validation; the admin API answers 400 naming `field`. */
export class ClientValidationError extends FieldValidationError {
  override name = 'ClientValidationError';
}
