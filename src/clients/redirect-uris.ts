import { ClientValidationError } from './client-validation-error.js';

/** Loopback IP literals whose redirect URIs match on any port (RFC 8252 §7.3). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);
const MAX_REDIRECT_URIS = 20;
const MAX_URI_LENGTH = 2000;

/**
 * Why a redirect URI may not be registered, or null: an absolute URI without a fragment, and
 * https, http to a loopback address (native apps, RFC 8252 §7.3, and `localhost` for development), or a
 * private-use scheme in reverse domain form such as `com.example.app:/callback` (RFC 8252 §7.1).
 */
export function redirectUriProblem(value: string): string | null {
  if (value.length > MAX_URI_LENGTH) return `is longer than ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URI';
  }
  if (value.includes('#')) return 'must not have a fragment (#)';
  if (url.username !== '' || url.password !== '') return 'must not carry user information';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) || url.hostname === 'localhost' ? null : 'uses http: only a loopback address (127.0.0.1, [::1], localhost) may; use https';
  const scheme = url.protocol.slice(0, -1);
  if (!scheme.includes('.')) return `has the scheme '${scheme}': use https, loopback http, or a private-use scheme in reverse domain form (com.example.app:/callback)`;
  return null;
}

/** Parses a list of redirect URIs (the admin API, the CLI, dynamic registration); `field` names the list in errors. */
export function parseRedirectUris(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new ClientValidationError(field, 'must be a list of URIs such as https://app.example.com/callback');
  if (value.length > MAX_REDIRECT_URIS) throw new ClientValidationError(field, `may hold at most ${MAX_REDIRECT_URIS} URIs`);
  const uris = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string') throw new ClientValidationError(field, 'must be a list of strings');
    const problem = redirectUriProblem(item);
    if (problem !== null) throw new ClientValidationError(field, `'${item}' ${problem}`);
    uris.add(item);
  }
  return [...uris];
}

/** The rule between a client's grant types and its redirect URIs: the authorization code grant redirects to one. */
export function missingRedirectUriProblem(grantTypes: readonly string[], redirectUris: readonly string[]): string | null {
  return grantTypes.includes('authorization_code') && redirectUris.length === 0 ? 'the authorization_code grant needs at least one redirect URI' : null;
}

/**
 * Whether a presented redirect URI is one of the registered ones: exact string comparison (RFC 9700 §2.1),
 * except that a loopback IP redirect URI matches on any port (RFC 8252 §7.3), the rest still exact.
 */
export function redirectUriMatches(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  const portless = withoutLoopbackPort(presented);
  if (portless === undefined) return false;
  return registered.some((uri) => withoutLoopbackPort(uri) === portless);
}

/** A loopback http URI with its port removed (exactly as written otherwise), or undefined for any other URI. */
function withoutLoopbackPort(uri: string): string | undefined {
  const match = /^http:\/\/(127\.0\.0\.1|\[::1\])(:\d{1,5})?([/?].*)?$/.exec(uri);
  if (!match) return undefined;
  return `http://${match[1]}${match[3] ?? ''}`;
}
