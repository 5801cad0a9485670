import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeFlowClient, type AuthorizationOptions, type SignInTokens } from './code-flow.js';
import { SignInCallbackError } from './errors.js';
import type { ScopeInput } from './scope.js';

export interface NativeSignInOptions extends AuthorizationOptions {
  /** Gatehouse's issuer URL. */
  issuer: string;
  /** A public client (`token_endpoint_auth_method: none`) with a loopback redirect URI registered, e.g. `http://127.0.0.1/callback` (any port matches, RFC 8252 §7.3). */
  clientId: string;
  scope?: ScopeInput;
  /** RFC 8707 resource indicators. */
  resource?: string | readonly string[];
  /** Opens the authorization URL in the person's browser (e.g. with the `open` package); without it, show `authorizationUrl` yourself. */
  open?: (url: string) => void | Promise<void>;
  /** Give up when no callback came after this long (default 5 minutes). */
  timeoutMs?: number;
  /** The redirect URI's path (default `/callback`). */
  callbackPath?: string;
  clockToleranceSeconds?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A sign-in under way: its URL, and the tokens once the browser came back. */
export interface NativeSignIn {
  /** The URL to open in the person's browser (already opened when `open` was given). */
  authorizationUrl: string;
  /** `http://127.0.0.1:<port><callbackPath>`. */
  redirectUri: string;
  /**
   * The tokens, or why not: the server's error answer (`AuthorizationResponseError`), a refused callback or
   * ID token, a timeout or `cancel()` (`SignInCallbackError`). The loopback server is closed when it settles.
   */
  result: Promise<SignInTokens>;
  /** Gives up: `result` rejects with reason `cancelled` and the server closes. */
  cancel(): void;
}

const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Signs a person in from a native or command-line app (RFC 8252): a loopback HTTP server on 127.0.0.1 and
 * a free port receives the redirect, the code is exchanged with PKCE as a public client, the ID token is
 * validated, and the browser is told it can close the window. Node.js only (`gatehouse/client/native`).
 * A request to the callback without this sign-in's `state` is answered 400 and does not end the wait.
 */
export async function startNativeSignIn(options: NativeSignInOptions): Promise<NativeSignIn> {
  const { issuer, clientId, scope, resource, open, timeoutMs, callbackPath = '/callback', clockToleranceSeconds, fetch, now, ...authorization } = options;
  if (!callbackPath.startsWith('/')) throw new TypeError('callbackPath must begin with /');
  const flow = new CodeFlowClient({ issuer, clientId, fetch, now, clockToleranceSeconds });

  let settle: ((outcome: { tokens: SignInTokens } | { error: unknown }) => void) | undefined;
  const result = new Promise<SignInTokens>((resolve, reject) => {
    let settled = false;
    settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
      if ('tokens' in outcome) resolve(outcome.tokens);
      else reject(outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)));
    };
  });
  // Seen as handled: a caller that never awaits it (start failed, or it was cancelled) gets no unhandled rejection.
  result.catch(() => undefined);
  const finish = (outcome: { tokens: SignInTokens } | { error: unknown }) => settle?.(outcome);

  let pending: Awaited<ReturnType<CodeFlowClient['authorizationRequest']>>['pending'] | undefined;
  let handling = false;
  const server = createServer((request, response) => {
    void answer(request, response);
  });
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== callbackPath || pending === undefined) return reply(response, 404, 'Not found', 'There is nothing here.');
    if (url.searchParams.get('state') !== pending.state) return reply(response, 400, 'Sign-in not recognised', 'This is not the sign-in this application is waiting for.');
    if (handling) return reply(response, 409, 'Sign-in already received', 'This sign-in was already received. You can close this window.');
    handling = true;
    try {
      const code = await flow.authorizationCode(url.searchParams, pending);
      const tokens = await flow.exchangeCode(code, pending);
      await reply(response, 200, 'Signed in', 'You are signed in. You can close this window and return to the application.');
      finish({ tokens });
    } catch (error) {
      await reply(response, 400, 'Sign-in failed', `The sign-in did not complete: ${error instanceof Error ? error.message : String(error)}. You can close this window.`);
      finish({ error });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const timer = setTimeout(() => finish({ error: new SignInCallbackError('timeout', 'no sign-in callback arrived in time') }), timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${callbackPath}`;
  try {
    const request = await flow.authorizationRequest(redirectUri, scope, resource, authorization);
    pending = request.pending;
    if (open) await open(request.url);
    return { authorizationUrl: request.url, redirectUri, result, cancel: () => finish({ error: new SignInCallbackError('cancelled', 'the sign-in was cancelled') }) };
  } catch (error) {
    finish({ error });
    throw error;
  }
}

/** Where `refreshNativeSignIn` sends the refresh token. */
export type NativeRefreshOptions = Pick<NativeSignInOptions, 'issuer' | 'clientId' | 'clockToleranceSeconds' | 'fetch' | 'now'>;

/**
 * New tokens for those of a native sign-in, with its refresh token (RFC 6749 §6, as the public client).
 * Gatehouse rotates refresh tokens: keep the returned tokens, the old refresh token no longer works. A new ID
 * token must be of the same person. A refused refresh token throws `GatehouseOAuthError` (`invalid_grant`):
 * sign in again.
 */
export function refreshNativeSignIn(options: NativeRefreshOptions, tokens: SignInTokens): Promise<SignInTokens> {
  return new CodeFlowClient(options).refresh(tokens);
}

/** A small page for the browser, with nothing active in it. */
function reply(response: ServerResponse, status: number, title: string, message: string): Promise<void> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return new Promise((resolve) => {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      connection: 'close',
    });
    // 'close' also when the browser went away before the page was sent: the sign-in completes all the same.
    response.once('close', () => resolve());
    response.end(page);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
