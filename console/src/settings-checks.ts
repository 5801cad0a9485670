/**
 * Checks of the security profile, branding and token delivery forms before they are sent: every invalid field
 * at once, with the server's messages, values quoted as typed. The rules are the server's
 * (src/security/security-profile.ts, src/admin-api/branding-input.ts, src/config/config-schema.ts), which the
 * browser cannot load; the server checks again, and alone knows some (which security checks exist).
 */
import type { BrandingJson, TokenDelivery } from '../../src/admin-api/wire.js';

export type FieldErrors = Record<string, string>;

/** The longest maximum token lifetime of a profile (seconds). */
export const MAX_TOKEN_EXPIRATION = 99_999_999;
/** scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) (RFC 6749 §3.3). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function problems(items: (string | null)[]): string | null {
  const found = items.filter((item): item is string => item !== null);
  return found.length === 0 ? null : found.join('; ');
}

const scopeElementProblem = (element: string) => (SCOPE_TOKEN.test(element) ? null : `'${element}' is not a valid scope element (RFC 6749 §3.3)`);
const checkNameProblem = (name: string) => (CHECK_NAME.test(name) ? null : `'${name}' is not a check name`);

function collect(checks: [field: string, problem: string | null][]): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, problem] of checks) if (problem !== null) errors[field] = problem;
  return errors;
}

export interface ProfileFormValues {
  /** The maximum token lifetime as typed. */
  lifetime: string;
  mapping: { element: string; checks: string[] }[];
  mandatory: string[];
  /** null: not set. */
  defaultScope: string[] | null;
  registrationChecks: string[];
}

/** Every invalid field of the profile editor, named as the admin API names them. */
export function checkProfileForm(values: ProfileFormValues): FieldErrors {
  const lifetime = values.lifetime.trim();
  return collect([
    [
      'max_token_expiration',
      /^\d+$/.test(lifetime) && Number(lifetime) >= 1 && Number(lifetime) <= MAX_TOKEN_EXPIRATION
        ? null
        : `must be a whole number from 1 to ${MAX_TOKEN_EXPIRATION.toLocaleString('en-US')} (seconds); '${values.lifetime}' is not`,
    ],
    [
      'scope_element_mapping',
      problems(
        values.mapping.flatMap(({ element, checks }) => [scopeElementProblem(element), ...checks.map((check) => (CHECK_NAME.test(check) ? null : `${element}: '${check}' is not a check name`))]),
      ),
    ],
    ['mandatory_scope', problems(values.mandatory.map(scopeElementProblem))],
    ['default_scope', values.defaultScope === null ? null : problems(values.defaultScope.map(scopeElementProblem))],
    ['registration_checks', problems(values.registrationChecks.map(checkNameProblem))],
  ]);
}

const MAX_PRODUCT_NAME = 100;
const MAX_LOGO_URL = 2048;
const COLOUR = /^#[0-9a-f]{6}$/i;
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

function logoUrlValid(value: string): boolean {
  if (value.length > MAX_LOGO_URL || /[\s"'<>\\]/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** Every invalid field of the branding form (logo_url null: no logo). */
export function checkBrandingForm(values: BrandingJson): FieldErrors {
  const name = values.product_name.trim();
  return collect([
    ['product_name', name === '' || name.length > MAX_PRODUCT_NAME || CONTROL.test(name) ? `must be 1 to ${MAX_PRODUCT_NAME} characters without control characters` : null],
    ['logo_url', values.logo_url === null || logoUrlValid(values.logo_url) ? null : `must be null or an https URL (at most ${MAX_LOGO_URL} characters, no user or password)`],
    ['primary_colour', COLOUR.test(values.primary_colour) ? null : 'must be a colour #rrggbb'],
    ['background_colour', COLOUR.test(values.background_colour) ? null : 'must be a colour #rrggbb'],
  ]);
}

const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}$/;
const DOMAIN = /^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
const COOKIE_PATH = /^\/[\x21-\x3A\x3C-\x7E]*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}$/;
const RESERVED_TOKEN_HEADERS = ['authorization', 'cookie', 'origin', 'host', 'content-type', 'content-length'];
/** The server's message for a token delivery value it refuses (src/protected-apis/token-delivery.ts). */
const NOT_VALID = 'is not a valid value';

/** Every invalid text field of the token delivery form (the server adds the rules between SameSite and Secure). */
export function checkTokenDeliveryForm(values: TokenDelivery): FieldErrors {
  return collect([
    ['cookie_name', COOKIE_NAME.test(values.cookie_name) ? null : NOT_VALID],
    ['cookie_domain', values.cookie_domain === null || DOMAIN.test(values.cookie_domain) ? null : NOT_VALID],
    ['cookie_path', COOKIE_PATH.test(values.cookie_path) ? null : NOT_VALID],
    ['header_name', HEADER_NAME.test(values.header_name) && !RESERVED_TOKEN_HEADERS.includes(values.header_name.toLowerCase()) ? null : NOT_VALID],
  ]);
}

/** The alert text for a form refused before sending. */
export function notSavedText(errors: FieldErrors): string {
  const count = Object.keys(errors).length;
  return `Not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} a change (marked below).`;
}
