import { displayUrl } from '../shared/display-url.js';

/**
 * Why the resource server could not check a token, when it is not the token's fault: the operator's to fix
 * (`misconfiguration`: wrong credentials, issuer or URL) or the authorization server's (`outage`: no answer,
 * 5xx). Given to `onError` and logged (once per cause); callers of the service never see it.
 */
export type AuthorizationServerErrorReason =
  /** Introspection answered 401 or 403: this resource server's `introspection.clientId`/`clientSecret` are wrong. */
  | 'credentials_rejected'
  /** The issuer's metadata (RFC 8414) answered 404: `issuer` is not the authorization server's issuer URL. */
  | 'metadata_not_found'
  /** The metadata names another issuer than `issuer` (RFC 8414 §3.3). */
  | 'issuer_mismatch'
  /** The metadata names no `jwks_uri` (JWKS mode) or `introspection_endpoint` (introspection mode). */
  | 'endpoint_missing'
  /** The `jwks_uri` answered 404 (or another 4xx). */
  | 'jwks_not_found'
  /** Another 4xx, or an answer that is not what the protocol promises (not JSON, a malformed key set). */
  | 'unexpected_answer'
  /** No answer: refused, DNS, TLS, reset, timeout. */
  | 'unreachable'
  /** The authorization server answered 5xx or 429. */
  | 'unavailable';

const OUTAGES: readonly AuthorizationServerErrorReason[] = ['unreachable', 'unavailable'];

export class AuthorizationServerError extends Error {
  override name = 'AuthorizationServerError';
  /** `misconfiguration`: fix this service's settings (the guard answers 500). `outage`: wait (503 with Retry-After). */
  readonly kind: 'misconfiguration' | 'outage';

  constructor(
    readonly reason: AuthorizationServerErrorReason,
    message: string,
    /** The URL asked, without credentials, query or fragment. */
    readonly url: string,
    /** The HTTP status of the answer; undefined when there was none. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kind = OUTAGES.includes(reason) ? 'outage' : 'misconfiguration';
  }
}

/**
 * `fetch` of one of the authorization server's URLs (`what` names it in messages): a network failure becomes
 * `unreachable`; an answer is returned as it came, for the caller to judge with `statusError`.
 */
export async function askAuthorizationServer(fetchImpl: typeof fetch, url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    const detail = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
    throw new AuthorizationServerError('unreachable', `${what} at ${displayUrl(url)} cannot be reached: ${detail}`, displayUrl(url), undefined, { cause: error });
  }
}

/** The error of an answer that is not 2xx: 5xx and 429 are an outage, 404 and other 4xx a misconfiguration. */
export function statusError(response: Response, url: string, what: string, notFound: AuthorizationServerErrorReason, fix: string): AuthorizationServerError {
  const shown = displayUrl(url);
  if (response.status >= 500 || response.status === 429) {
    return new AuthorizationServerError('unavailable', `${what} at ${shown} answered ${response.status}`, shown, response.status);
  }
  const reason = response.status === 404 || response.status === 410 ? notFound : 'unexpected_answer';
  return new AuthorizationServerError(reason, `${what} at ${shown} answered ${response.status}: ${fix}`, shown, response.status);
}
