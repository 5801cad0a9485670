import { displayUrl } from '../shared/display-url.js';
import { GatehouseNetworkError } from './errors.js';

/**
 * `fetch` whose network failures reject with `GatehouseNetworkError` (the URL without credentials, the cause
 * attached) instead of a bare `TypeError: fetch failed`. An abort (`AbortSignal`) is passed on as it came.
 * Called as a plain function: a browser's fetch called as a method of another object throws "Illegal invocation".
 */
export function networkErrorsNamed(custom: typeof fetch | undefined): typeof fetch {
  return async (input, init) => {
    try {
      return await (custom ? custom(input, init) : fetch(input, init));
    } catch (error) {
      if (isAbort(error, init?.signal ?? (input instanceof Request ? input.signal : undefined))) throw error;
      const code = systemCode(error);
      // Already named, or not a network failure at all (a malformed URL is the caller's mistake).
      if (error instanceof GatehouseNetworkError || code === 'ERR_INVALID_URL') throw error;
      throw new GatehouseNetworkError(displayUrl(input), code, { cause: error });
    }
  };
}

/** Whether the request was aborted by its signal (then its reason is what the caller expects to see). */
function isAbort(error: unknown, signal: AbortSignal | null | undefined): boolean {
  if (signal?.aborted) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** `ECONNREFUSED` and the like, from the error or its cause (undici puts it on the cause). */
function systemCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}
