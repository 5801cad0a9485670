import { FieldValidationError } from '../shared/errors.js';

/** An integer query parameter within bounds; absent or empty gives the fallback. */
export function queryInteger(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min || number > max) throw new FieldValidationError(field, `must be an integer from ${min} to ${max}`);
  return number;
}

/** The paging parameters of list endpoints: `limit` (1..500, default 50), `offset`, `search`. */
export function pageQuery(query: unknown): { limit: number; offset: number; search: string | undefined } {
  const params = (query ?? {}) as Record<string, unknown>;
  return {
    limit: queryInteger(params.limit, 'limit', 1, 500, 50),
    offset: queryInteger(params.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0),
    search: typeof params.search === 'string' && params.search !== '' ? params.search : undefined,
  };
}
