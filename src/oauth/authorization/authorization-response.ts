import { toErrorDescription } from '../../shared/error-description.js';
import type { ResponseTarget } from './authorization-request-parser.js';

/** An answer to the client at its redirect URI: a redirect with the parameters in the query, or a form post. */
export interface AuthorizationResponse {
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  params: Record<string, string>;
}

/** RFC 6749 §4.1.2 with RFC 9207's `iss` (mix-up defence). */
export function codeResponse(target: ResponseTarget, code: string, issuer: string): AuthorizationResponse {
  return { redirectUri: target.redirectUri, responseMode: target.responseMode, params: { code, ...stateOf(target), iss: issuer } };
}

/** RFC 6749 §4.1.2.1 with RFC 9207's `iss`. */
export function errorResponse(target: ResponseTarget, error: string, description: string, issuer: string): AuthorizationResponse {
  return {
    redirectUri: target.redirectUri,
    responseMode: target.responseMode,
    params: { error, error_description: toErrorDescription(description), ...stateOf(target), iss: issuer },
  };
}

/** The redirect URI with the response's parameters added to its query (any query it has is kept). */
export function redirectLocation(response: AuthorizationResponse): string {
  const url = new URL(response.redirectUri);
  for (const [name, value] of Object.entries(response.params)) url.searchParams.append(name, value);
  return url.href;
}

function stateOf(target: ResponseTarget): { state?: string } {
  return target.state === undefined ? {} : { state: target.state };
}
