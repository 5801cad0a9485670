import { CLIENT_AUTH_METHODS, GRANT_TYPES, MAX_ACCESS_TOKEN_LIFETIME, type ClientAuthMethod, type GrantType } from './client.js';
import { isScopeToken, splitScopeList } from '../shared/scope.js';
import { ClientValidationError } from './client-validation-error.js';

/**
 * Parsing of single client metadata values: wire value in, domain value out, or a
 * ClientValidationError naming the field. Which field uses which parser is in client-fields.ts.
 * Value-only rules without Node.js imports: the web console checks its client form with them (through
 * src/admin-api/wire.ts); the key set's rules, which need the key library, are in client-jwks.ts.
 */

/** Longest refresh-token lifetime an administrator may set: one year. */
export const MAX_REFRESH_TOKEN_LIFETIME = 365 * 86_400;

export const MIN_ADMIN_SECRET_LENGTH = 20;
const MAX_SECRET_LENGTH = 512;

/** Letters, digits, '.', '_' and '-': the names of security profiles. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function parseProfileReference(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || !PROFILE_NAME.test(value)) {
    throw new ClientValidationError('profile', "must be the name of a security profile (1-64 letters, digits, '.', '_' or '-') or null");
  }
  return value;
}

export function parseClientId(value: unknown): string {
  if (typeof value !== 'string' || !/^[\x21-\x7E]{1,255}$/.test(value)) {
    throw new ClientValidationError('client_id', 'must be 1 to 255 printable ASCII characters without spaces');
  }
  return value;
}

export function parseClientName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new ClientValidationError('client_name', 'must be a non-empty string of at most 200 characters');
  }
  // Control characters would forge log lines.
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new ClientValidationError('client_name', 'must not contain control characters');
  return value.trim();
}

export function parseAdminSecret(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length < MIN_ADMIN_SECRET_LENGTH || value.length > MAX_SECRET_LENGTH) {
    throw new ClientValidationError(field, `must be a string of ${MIN_ADMIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters`);
  }
  if (!/^[\x20-\x7E]+$/.test(value)) throw new ClientValidationError(field, 'must be printable ASCII characters');
  return value;
}

export function parseGrantTypes(value: unknown): GrantType[] {
  const items = typeof value === 'string' ? splitScopeList(value) : value;
  if (!Array.isArray(items) || items.length === 0) {
    throw new ClientValidationError('grant_types', `must be a non-empty list of ${GRANT_TYPES.join(', ')}`);
  }
  const grants = new Set<GrantType>();
  for (const item of items) {
    const grant = GRANT_TYPES.find((candidate) => candidate === item);
    if (!grant) throw new ClientValidationError('grant_types', `'${String(item)}' is not supported; use ${GRANT_TYPES.join(', ')}`);
    grants.add(grant);
  }
  return [...grants];
}

/** A default scope: null (every allowed element), or a space-separated string (empty: no scope at all). */
export function parseDefaultScope(value: unknown, field: string): string[] | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw new ClientValidationError(field, 'must be a space-separated string of scope elements, or null for every allowed element');
  return parseScopes(value, field);
}

export function parseScopes(value: unknown, field: string): string[] {
  const items = typeof value === 'string' ? splitScopeList(value) : value;
  if (!Array.isArray(items)) throw new ClientValidationError(field, 'must be a space-separated string of scope elements');
  const scopes = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' || !isScopeToken(item)) {
      throw new ClientValidationError(field, `'${String(item)}' is not a valid scope element (RFC 6749 §3.3)`);
    }
    scopes.add(item);
  }
  return [...scopes];
}

export function parseAuthMethod(value: unknown): ClientAuthMethod {
  const method = CLIENT_AUTH_METHODS.find((candidate) => candidate === value);
  if (!method) throw new ClientValidationError('token_endpoint_auth_method', `must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  return method;
}

export function parseLifetime(value: unknown): number {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > MAX_ACCESS_TOKEN_LIFETIME) {
    throw new ClientValidationError('access_token_lifetime', `must be an integer from 0 to ${MAX_ACCESS_TOKEN_LIFETIME} (seconds; 0: the server's maximum)`);
  }
  return number;
}

/**
 * Refuses an access-token lifetime above the server's maximum: the lifetime a client is saved with is the
 * lifetime its tokens get, never silently capped (0: the server's maximum, whatever it is).
 */
export function checkAccessTokenLifetime(lifetime: number | undefined, serverMaximum: number): void {
  if (lifetime !== undefined && lifetime > serverMaximum) {
    throw new ClientValidationError('access_token_lifetime', `must be at most ${serverMaximum}, the server's maximum token lifetime (seconds; 0: the server's maximum)`);
  }
}

export function parseRefreshLifetime(value: unknown): number {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 60 || number > MAX_REFRESH_TOKEN_LIFETIME) {
    throw new ClientValidationError('refresh_token_lifetime', `must be an integer from 60 to ${MAX_REFRESH_TOKEN_LIFETIME} (seconds)`);
  }
  return number;
}

export function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ClientValidationError(field, 'must be true or false');
  return value;
}

export function parseExpiresAt(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value.trim())) {
    const time = Date.parse(value.trim());
    if (!Number.isNaN(time)) return time;
  }
  throw new ClientValidationError('expires_at', 'must be an ISO 8601 date or date-time with offset (e.g. 2027-01-31 or 2027-01-31T12:00:00Z), or null');
}

export function parseOrigins(value: unknown): string[] {
  if (!Array.isArray(value)) throw new ClientValidationError('allowed_origins', 'must be a list of origins such as https://portal.example.com');
  const origins = new Set<string>();
  for (const item of value) {
    let url: URL | undefined;
    try {
      url = typeof item === 'string' ? new URL(item) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== String(item).replace(/\/$/, '')) {
      throw new ClientValidationError('allowed_origins', `'${String(item)}' is not an origin (scheme://host[:port], no path)`);
    }
    origins.add(url.origin);
  }
  return [...origins];
}
