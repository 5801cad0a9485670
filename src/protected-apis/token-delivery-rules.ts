import { COOKIE_NAME_PATTERN, COOKIE_PATH_PATTERN, DOMAIN_PATTERN, HEADER_NAME_PATTERN, RESERVED_TOKEN_HEADERS } from '../config/token-delivery-patterns.js';
import { checkFields, FieldValidationError } from '../shared/errors.js';
import { quoteValue } from '../shared/quote-value.js';
import type { TokenCookieAttributes } from '../http/token-cookie.js';

/**
 * The value-only rules of the token-delivery settings (`PATCH /admin/api/settings/token-delivery`), without
 * Node.js imports: the server checks a body with them first (token-delivery.ts adds the rules that need the
 * configuration), and the web console checks its form with them (through src/admin-api/wire.ts).
 */

/** How access tokens travel besides the Authorization header: the cookie's attributes and an extra header. */
export interface TokenDelivery extends TokenCookieAttributes {
  header_name: string;
}

const TOKEN_CHARACTERS = "letters, digits or !#$%&'*+-.^_`|~";

/** Each field's rule: what a value must be, in the words a refusal gives, or null when `value` is one. */
const CHECKS: { [K in keyof TokenDelivery]: (value: unknown) => string | null } = {
  cookie_name: (value) => (typeof value === 'string' && COOKIE_NAME_PATTERN.test(value) ? null : `must be a cookie name of 1 to 64 ${TOKEN_CHARACTERS}`),
  cookie_domain: (value) => (value === null || (typeof value === 'string' && DOMAIN_PATTERN.test(value)) ? null : 'must be null or a host name such as example.com (a leading dot is allowed)'),
  cookie_path: (value) => (typeof value === 'string' && COOKIE_PATH_PATTERN.test(value) ? null : 'must be a path starting with / without spaces, semicolons or control characters'),
  cookie_same_site: (value) => (value === 'strict' || value === 'lax' || value === 'none' ? null : 'must be strict, lax or none'),
  cookie_secure: (value) => (value === null || typeof value === 'boolean' ? null : 'must be true, false or null (null: Secure when the issuer is https)'),
  cookie_http_only: (value) => (typeof value === 'boolean' ? null : 'must be true or false'),
  header_name: (value) => {
    if (typeof value !== 'string' || !HEADER_NAME_PATTERN.test(value)) return `must be a header name of 1 to 64 ${TOKEN_CHARACTERS}`;
    return RESERVED_TOKEN_HEADERS.includes(value.toLowerCase()) ? `must not be one of ${RESERVED_TOKEN_HEADERS.join(', ')}` : null;
  },
};

/**
 * Checks the fields of a token-delivery body one by one: unknown fields and bad values name the field, every
 * one at once (an InvalidFieldsError when there are several). Returns the changes it gives.
 */
export function parseTokenDeliveryChanges(body: unknown): Partial<TokenDelivery> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new FieldValidationError('body', 'must be a JSON object');
  return checkFields(
    Object.fromEntries(
      Object.entries(body as Record<string, unknown>).map(([field, value]) => [
        field,
        () => {
          const rule = CHECKS[field as keyof TokenDelivery] as ((value: unknown) => string | null) | undefined;
          if (!rule) throw new FieldValidationError(field, `unknown field; use ${Object.keys(CHECKS).join(', ')}`);
          const problem = rule(value);
          if (problem !== null) throw new FieldValidationError(field, `${problem} (got ${quoteValue(value)})`);
          return value;
        },
      ]),
    ),
  );
}
