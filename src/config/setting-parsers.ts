import { isIP } from 'node:net';

/**
 * Parsers of raw setting values: a string from the environment, or any JSON value from the config file.
 * Each returns the typed value or throws an Error whose message says what is allowed (the loader names the setting).
 */

export function integer(min: number, max: number) {
  return (raw: unknown): number => {
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (!/^\d+$/.test(text)) throw new Error(`must be an integer from ${min} to ${max}`);
    const value = Number(text);
    if (value < min || value > max) throw new Error(`must be an integer from ${min} to ${max}`);
    return value;
  };
}

export function oneOf<T extends string>(allowed: readonly T[]) {
  return (raw: unknown): T => {
    const found = allowed.find((candidate) => candidate === raw);
    if (found === undefined) throw new Error(`must be one of ${allowed.join(', ')}`);
    return found;
  };
}

export function nonEmptyString(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error('must be a non-empty string');
  return raw.trim();
}

export function httpUrl(raw: unknown): string {
  const text = nonEmptyString(raw);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an absolute http(s) URL');
  if (url.search || url.hash) throw new Error('must not have a query or fragment (RFC 8414 §2)');
  return text.replace(/\/+$/, '');
}

/** A non-empty string matching `pattern`. */
export function matching(pattern: RegExp, message: string) {
  return (raw: unknown): string => {
    const text = nonEmptyString(raw);
    if (!pattern.test(text)) throw new Error(message);
    return text;
  };
}

/** Unset (undefined or '') stays undefined; anything else goes through `parse`. */
export function optional<T>(parse: (raw: unknown) => T) {
  return (raw: unknown): T | undefined => (raw === undefined || raw === '' ? undefined : parse(raw));
}

/** A bearer token: it travels as `Authorization: Bearer <token>`, so visible ASCII without spaces. */
export function optionalBearerToken(minLength: number) {
  return (raw: unknown): string | undefined => {
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string' || raw.length < minLength) throw new Error(`must be at least ${minLength} characters`);
    if (!/^[\x21-\x7E]+$/.test(raw)) throw new Error('must be visible ASCII characters without spaces (it is sent as a Bearer token)');
    return raw;
  };
}

/** DNS name: labels of letters, digits and hyphens, not starting or ending with a hyphen. */
const HOSTNAME_PATTERN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An address to bind to: an IPv4 or IPv6 address, or a host name. */
export function bindAddress(raw: unknown): string {
  const text = nonEmptyString(raw);
  if (isIP(text) === 0 && !HOSTNAME_PATTERN.test(text)) throw new Error('must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or a host name');
  return text;
}

/** A TCP address to listen on. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** `host:port` (an IPv6 address in brackets: `[::1]:9464`), or `{ host, port }` in the file; '' or unset: none. */
export function optionalListenAddress(raw: unknown): ListenAddress | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const message = 'must be host:port, such as 127.0.0.1:9464 or [::1]:9464';
  let host: unknown;
  let port: unknown;
  if (typeof raw === 'string') {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(raw.trim());
    if (!match) throw new Error(message);
    host = match[1] ?? match[2];
    port = match[3];
  } else if (typeof raw === 'object') {
    ({ host, port } = raw as { host?: unknown; port?: unknown });
  } else {
    throw new Error(message);
  }
  try {
    return { host: bindAddress(host), port: integer(0, 65535)(port) };
  } catch {
    throw new Error(message);
  }
}

/** A scope token (RFC 6749 §3.3: visible ASCII but `"` and `\\`), at most 64 characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** One scope name (RFC 6749 §3.3 scope-token). */
export function scopeName(raw: unknown): string {
  const text = nonEmptyString(raw);
  if (!SCOPE_TOKEN.test(text)) throw new Error('must be a scope name (1 to 64 visible ASCII characters, no spaces, quotes or backslashes)');
  return text;
}

/** Comma-separated scope names (a JSON array in the config file); empty is none. Duplicates are dropped. */
export function scopeNameList(raw: unknown): string[] {
  const items: unknown[] | undefined = Array.isArray(raw) ? (raw as unknown[]) : typeof raw === 'string' ? raw.split(',') : undefined;
  if (items === undefined) throw new Error('must be a comma-separated list of scope names');
  const names = items.map((item): unknown => (typeof item === 'string' ? item.trim() : item)).filter((item) => item !== '');
  return [...new Set(names.map((name) => scopeName(name)))];
}

/** An environment variable's name, or a prefix of names ending in `*`. */
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

/** Comma-separated environment variable names or `PREFIX*` patterns (a JSON array in the config file); empty is none. */
export function envNamePatternList(raw: unknown): string[] {
  const items: unknown[] | undefined = Array.isArray(raw) ? (raw as unknown[]) : typeof raw === 'string' ? raw.split(',') : undefined;
  if (items === undefined) throw new Error('must be a comma-separated list of environment variable names');
  const names = items.map((item): unknown => (typeof item === 'string' ? item.trim() : item)).filter((item) => item !== '');
  for (const name of names) {
    if (typeof name !== 'string' || !ENV_NAME_PATTERN.test(name)) throw new Error(`${JSON.stringify(name)} is not an environment variable name (letters, digits, _; a trailing * for a prefix)`);
  }
  return [...new Set(names as string[])];
}
