import { FieldValidationError } from '../shared/errors.js';

/** A client field that failed validation; the admin API answers 400 naming `field`. */
export class ClientValidationError extends FieldValidationError {
  override name = 'ClientValidationError';
  /** RFC 7591 §3.2.2: the registration error for bad metadata. */
  override readonly code: string = 'invalid_client_metadata';
}
