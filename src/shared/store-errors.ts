import { UnavailableError } from './errors.js';

/** The database cannot be opened or does not answer; the message names where it was looked for, without credentials. */
export class StoreUnavailableError extends UnavailableError {
  override name = 'StoreUnavailableError';
}

/** A statement did not answer within the statement timeout. */
export class StoreTimeoutError extends UnavailableError {
  override name = 'StoreTimeoutError';
}

/** Node socket errors that mean the database cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** SQLite result codes that mean the file is busy or unreadable rather than the request being wrong. */
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|PROTOCOL)/;

/** What pg, pg-pool, better-sqlite3 and kysely say when the database is gone (they throw plain Errors). */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
  /^driver has already been destroyed/,
  /^The database connection is not open/,
];

/**
 * Whether an error means "the database is unreachable or overloaded right now" (answer 503, retry later),
 * as opposed to a bug or a refused statement. PostgreSQL SQLSTATE classes 08 (connection exception),
 * 57P01-57P03 (shutdown, terminated backend, cannot connect now) and 53300 (too many connections).
 */
export function isStoreUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof StoreTimeoutError || error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLITE_CODES.test(code)) return true;
    if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
  }
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}
