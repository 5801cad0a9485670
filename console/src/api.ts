/** The admin REST API, as the console uses it: same origin, session cookie, CSRF token on changes. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Session {
  username: string;
  csrf_token: string;
  expires_at: string;
  idle_expires_at: string;
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setApiSession(session: Session | null): void {
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
    const error = (json ?? {}) as { error?: string; error_description?: string; field?: string };
    if (response.status === 401 && path !== '/session') onSignedOut();
    throw new ApiError(response.status, error.error ?? 'error', error.error_description ?? `the server answered ${response.status}`, error.field);
  }
  return json as T;
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface ClientJson {
  client_id: string;
  client_name: string;
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
  access_token_lifetime: number;
  refresh_tokens: boolean;
  refresh_token_lifetime: number;
  may_act_for_users: boolean;
  enabled: boolean;
  expires_at: string | null;
  allowed_origins: string[];
  profile?: string | null;
  jwks: { keys: Jwk[] } | null;
  created_at: string;
  updated_at: string;
  client_secret?: string;
}

export interface Jwk {
  kid?: string;
  kty: string;
  alg?: string;
  crv?: string;
  use?: string;
}

export interface UserJson {
  id: string;
  username: string;
  display_name: string | null;
  email: string | null;
  roles: string[];
  enabled: boolean;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface Page {
  total: number;
  limit: number;
  offset: number;
}

export interface ApplicationJson {
  name: string;
  scope: string;
  commands: { name: string; path: string; description: string | null; protected: boolean; scope: string[]; timeout_ms: number | null }[];
}

export interface SigningKeyJson {
  kid: string;
  alg: string;
  state: string;
  created_at: string;
  activates_at: string;
  published_until: string | null;
}

export interface AuditEventJson {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  status: number | null;
  reason: string | null;
  client_id: string | null;
  source_address: string | null;
  /** Issued tokens (`token.issued`) only; null otherwise. */
  grant_type: string | null;
  subject: string | null;
  scope: string | null;
  jti: string | null;
  expires_at: string | null;
}

export interface TokenDelivery {
  cookie_name: string;
  cookie_domain: string | null;
  cookie_path: string;
  cookie_same_site: 'strict' | 'lax' | 'none';
  cookie_secure: boolean | null;
  cookie_http_only: boolean;
  header_name: string;
}
