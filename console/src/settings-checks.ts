/**
 * Checks of the security profile, branding and token delivery forms before they are sent: every invalid field
 * at once, with the server's messages. They are the server's own parse functions (from the wire module); the
 * server checks again, and alone knows some rules (which security checks exist, SameSite against Secure).
 */
import { parseBrandingInput, parseProfileBody, parseTokenDeliveryChanges, type BrandingJson, type TokenDelivery } from '../../src/admin-api/wire.js';
import { refusedFields, type FieldErrors } from './form-checks.js';

export type { FieldErrors } from './form-checks.js';

/** Every invalid field of a profile editor's PATCH body, named as the admin API names them. */
export function checkProfileForm(body: Record<string, unknown>): FieldErrors {
  return refusedFields(() => parseProfileBody(body, true));
}

/** Every invalid field of the branding form's PUT body (logo_url null: no logo). */
export function checkBrandingForm(body: BrandingJson): FieldErrors {
  return refusedFields(() => parseBrandingInput(body));
}

/** Every invalid field of the token delivery form (the server adds the rules between SameSite and Secure). */
export function checkTokenDeliveryForm(values: TokenDelivery): FieldErrors {
  return refusedFields(() => parseTokenDeliveryChanges(values));
}

/** The alert text for a form refused before sending. */
export function notSavedText(errors: FieldErrors): string {
  const count = Object.keys(errors).length;
  return `Not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} a change (marked below).`;
}
