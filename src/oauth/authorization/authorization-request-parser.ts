import type { Client } from '../../clients/client.js';
import { clientUnusableReason } from '../../clients/client.js';
import { redirectUriMatches } from '../../clients/redirect-uris.js';
import type { AuthorizationRequest } from '../../sign-in/authorization-request.js';
import { REQUEST_URI_PREFIX, type PushedRequestsStore } from '../../sign-in/pushed-request.js';
import { parseScopeParameter } from '../../shared/scope.js';
import { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import { requestedResources } from '../resource-indicators.js';
import { isS256Challenge } from './pkce.js';

/** Where an authorization error may be sent: the checked redirect URI of the request. */
export interface ResponseTarget {
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  state: string | undefined;
}

/** Message keys of the pages' error titles (sign-in-pages/locales). */
export type PageErrorTitle = 'error.invalidRequest' | 'error.unknownClient' | 'error.redirectUri' | 'error.expired';

/** What checking an authorization request gives. */
export type ParsedAuthorizationRequest =
  | { kind: 'valid'; client: Client; request: AuthorizationRequest }
  /** The client or the redirect URI cannot be trusted: shown on a page, never redirected to (RFC 6749 §4.1.2.1). */
  | { kind: 'page-error'; title: PageErrorTitle; detail: string }
  /** Anything else wrong: answered at the redirect URI (RFC 6749 §4.1.2.1). */
  | { kind: 'redirect-error'; target: ResponseTarget; error: string; description: string };

export interface AuthorizationRequestContext {
  client(clientId: string): Client | undefined;
  pushedRequests: Pick<PushedRequestsStore, 'take'>;
  /** Keyed digest of a request_uri's random part. */
  digest(secret: string): string;
  /** RFC 8707 resources the server serves. */
  resources: readonly string[];
  now: number;
  /** The request is being pushed (RFC 9126): it may not itself name a request_uri, and PAR is what it does. */
  pushing?: boolean;
}

const PROMPTS = ['none', 'login', 'consent'] as const;
type Prompt = (typeof PROMPTS)[number];
const MAX_STATE_LENGTH = 2_000;
const MAX_NONCE_LENGTH = 500;

/**
 * Checks an authorization request (RFC 6749 §4.1.1, RFC 7636, RFC 9126, OIDC Core §3.1.2.1) in the order the
 * RFCs need: first the client and its redirect URI (errors shown on a page), then everything else (errors
 * sent to that redirect URI). `params`: the query (GET) or form (POST) parameters.
 */
export async function parseAuthorizationRequest(raw: unknown, context: AuthorizationRequestContext): Promise<ParsedAuthorizationRequest> {
  let params: FormParams;
  try {
    params = FormParams.fromRecord(raw);
  } catch (error) {
    return { kind: 'page-error', title: 'error.invalidRequest', detail: error instanceof OAuthError ? error.description : 'the request is malformed' };
  }
  const clientId = params.get('client_id');
  if (clientId === undefined) return { kind: 'page-error', title: 'error.invalidRequest', detail: 'the request names no client (client_id is missing)' };
  const client = context.client(clientId);
  if (!client) return { kind: 'page-error', title: 'error.unknownClient', detail: 'the application that sent you here is not registered' };
  const unusable = clientUnusableReason(client, context.now);
  if (unusable) return { kind: 'page-error', title: 'error.unknownClient', detail: `the application that sent you here cannot sign people in: ${unusable}` };
  if (!client.grantTypes.includes('authorization_code'))
    return { kind: 'page-error', title: 'error.unknownClient', detail: 'the application that sent you here may not sign people in through the browser' };

  // RFC 9126 §4: a pushed request replaces the parameters (client_id aside), once.
  const requestUri = params.get('request_uri');
  let pushed = false;
  if (requestUri !== undefined && context.pushing === true) return { kind: 'page-error', title: 'error.invalidRequest', detail: 'a pushed request cannot name a request_uri' };
  if (requestUri !== undefined) {
    if (!requestUri.startsWith(REQUEST_URI_PREFIX)) return { kind: 'page-error', title: 'error.invalidRequest', detail: 'request_uri is not one this server issued' };
    const stored = await context.pushedRequests.take(context.digest(requestUri.slice(REQUEST_URI_PREFIX.length)), client.clientId, context.now);
    if (!stored) return { kind: 'page-error', title: 'error.expired', detail: 'the pushed authorization request is unknown, used or expired; start again from the application' };
    params = FormParams.fromRecord(stored.params);
    pushed = true;
  }

  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined) return { kind: 'page-error', title: 'error.redirectUri', detail: 'the request has no redirect_uri' };
  // A loopback URI matches on any port, even one no URL can have (:99999): it could never be answered.
  if (!URL.canParse(redirectUri) || !redirectUriMatches(client.redirectUris, redirectUri))
    return { kind: 'page-error', title: 'error.redirectUri', detail: 'the redirect URI of the request is not registered for this application' };

  const state = params.get('state');
  const mode = params.get('response_mode');
  const responseMode = mode === 'form_post' ? 'form_post' : 'query';
  const target: ResponseTarget = { redirectUri, responseMode, state };
  const refuse = (error: string, description: string): ParsedAuthorizationRequest => ({ kind: 'redirect-error', target, error, description });

  if (mode !== undefined && mode !== 'query' && mode !== 'form_post') return refuse('invalid_request', `response_mode '${mode}' is not supported; use query or form_post`);
  if (state !== undefined && state.length > MAX_STATE_LENGTH) return refuse('invalid_request', `state is longer than ${MAX_STATE_LENGTH} characters`);
  if (client.requirePushedAuthorizationRequests && !pushed && context.pushing !== true) return refuse('invalid_request', 'this client must push its authorization requests first (RFC 9126)');
  if (params.get('request') !== undefined) return refuse('request_not_supported', 'request objects are not supported; push the request (PAR) instead');
  const responseType = params.get('response_type');
  if (responseType === undefined) return refuse('invalid_request', 'response_type is missing');
  if (responseType !== 'code') return refuse('unsupported_response_type', 'only response_type=code is supported');

  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === undefined) return refuse('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
  if (method !== 'S256') return refuse('invalid_request', 'code_challenge_method must be S256 (plain is not accepted)');
  if (!isS256Challenge(challenge)) return refuse('invalid_request', 'code_challenge must be 43 base64url characters (an S256 challenge)');

  const scope = params.get('scope');
  if (scope !== undefined && parseScopeParameter(scope) === null) return refuse('invalid_scope', 'the scope parameter is malformed');

  const nonce = params.get('nonce');
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) return refuse('invalid_request', `nonce is longer than ${MAX_NONCE_LENGTH} characters`);

  const prompt = parsePrompt(params.get('prompt'));
  if (prompt === null) return refuse('invalid_request', "prompt must be 'none', or any of 'login' and 'consent'");

  const maxAgeText = params.get('max_age');
  const maxAge = maxAgeText === undefined ? undefined : /^\d{1,9}$/.test(maxAgeText) ? Number(maxAgeText) : null;
  if (maxAge === null) return refuse('invalid_request', 'max_age must be a non-negative integer (seconds)');

  let resources: string[];
  try {
    resources = requestedResources(params.all('resource'), context.resources);
  } catch (error) {
    if (error instanceof OAuthError) return refuse(error.error, error.description);
    throw error;
  }

  const loginHint = params.get('login_hint');
  const uiLocales = (params.get('ui_locales') ?? '').split(' ').filter((locale) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(locale));
  return {
    kind: 'valid',
    client,
    request: {
      clientId: client.clientId,
      redirectUri,
      responseMode,
      state,
      scope,
      codeChallenge: challenge,
      nonce,
      resources,
      prompt,
      maxAge,
      loginHint: loginHint === undefined ? undefined : loginHint.slice(0, 255),
      uiLocales: uiLocales.slice(0, 10),
    },
  };
}

function parsePrompt(value: string | undefined): Prompt[] | null {
  if (value === undefined) return [];
  const values = value.split(' ').filter((item) => item !== '');
  if (!values.every((item): item is Prompt => (PROMPTS as readonly string[]).includes(item))) return null;
  if (values.includes('none') && values.length > 1) return null;
  return [...new Set(values)];
}
