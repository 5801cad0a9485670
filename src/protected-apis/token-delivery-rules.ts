import { COOKIE_NAME_PATTERN, COOKIE_PATH_PATTERN, DOMAIN_PATTERN, HEADER_NAME_PATTERN, RESERVED_TOKEN_HEADERS } from '../config/token-delivery-patterns.js';
import { checkFields, FieldValidationError } from '../shared/errors.js';
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

const CHECKS: { [K in keyof TokenDelivery]: (value: unknown) => boolean } = {
  cookie_name: (value) => typeof value === 'string' && COOKIE_NAME_PATTERN.test(value),
  cookie_domain: (value) => value === null || (typeof value === 'string' && DOMAIN_PATTERN.test(value)),
  cookie_path: (value) => typeof value === 'string' && COOKIE_PATH_PATTERN.test(value),
  cookie_same_site: (value) => value === 'strict' || value === 'lax' || value === 'none',
  cookie_secure: (value) => value === null || typeof value === 'boolean',
  cookie_http_only: (value) => typeof value === 'boolean',
  header_name: (value) => typeof value === 'string' && HEADER_NAME_PATTERN.test(value) && !RESERVED_TOKEN_HEADERS.includes(value.toLowerCase()),
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
          const check = CHECKS[field as keyof TokenDelivery] as ((value: unknown) => boolean) | undefined;
          if (!check) throw new FieldValidationError(field, `unknown field; use ${Object.keys(CHECKS).join(', ')}`);
          if (!check(value)) throw new FieldValidationError(field, 'is not a valid value');
          return value;
        },
      ]),
    ),
  );
}
