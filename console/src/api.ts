/** The admin REST API, as the console uses it: same origin, session cookie, CSRF token on changes. */
import type { ErrorJson, FieldErrorJson, SessionJson } from '../../src/admin-api/wire';

// The JSON of requests and answers is the admin API's wire contract: import its types from src/admin-api/wire.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Every invalid field when the server named several (the first is `field`). */
    readonly fields: readonly FieldErrorJson[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setApiSession(session: SessionJson | null): void {
  csrfToken = session?.csrf_token ?? null;
}

/** Called when the server answers 401 to a signed-in request (the session ended). */
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/admin/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json ?? {}) as Partial<ErrorJson>;
    if (response.status === 401 && path !== '/session') onSignedOut();
    throw new ApiError(response.status, error.error ?? 'error', error.error_description ?? `the server answered ${response.status}`, error.field, error.fields ?? []);
  }
  return json as T;
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
