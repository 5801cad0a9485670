import type { TokenRequestFacts } from '../security-gate.js';
import type { SecurityCheck } from '../../security/security-check.js';
import type { AuthorizationResponse } from './authorization-response.js';

/** A person's browser as the flow sees it: its cookies' values (never trusted beyond their digests) and the request's facts. */
export interface BrowserContext {
  /** The session cookie's value, if any. */
  sessionId: string | undefined;
  /** The browser-binding cookie's value (CSRF), if any. */
  browserToken: string | undefined;
  sourceAddress: string;
  userAgent: string | undefined;
  headers: TokenRequestFacts['headers'];
}

/** What the person is asked next, or the answer for the client. */
export type FlowStep =
  | { kind: 'sign-in'; error?: 'invalid-credentials' | undefined; retryAfterSeconds?: number | undefined; username?: string | undefined }
  | { kind: 'check'; check: SecurityCheck; challenge: Record<string, unknown> }
  | { kind: 'consent'; scopes: string[] }
  /** A check refuses for now (blocked after wrong answers): shown to the person, the client is not answered yet. */
  | { kind: 'blocked'; checkName: string; reason: string; blockedUntil: number | undefined }
  | { kind: 'respond'; response: AuthorizationResponse };

/** Where a started request goes: answered at once (single sign-on, prompt=none, an error) or through the pages. */
export type FlowStart =
  { kind: 'respond'; response: AuthorizationResponse; session?: NewSession | undefined } | { kind: 'interact'; interactionId: string; browserToken: string; newBrowserToken: boolean };

/** A session made by signing in: the cookie value to set. */
export interface NewSession {
  sessionId: string;
  maxAgeSeconds: number;
}

/** What the person sent from a page. */
export type FlowInput =
  | { step: 'sign-in'; username: string; password: string }
  /** The fields of a check's page, as typed: the check's declaration turns them into its answer. */
  | { step: 'check'; checkName: string; values: Record<string, string> }
  | { step: 'consent'; decision: 'allow' | 'deny' }
  | { step: 'cancel' };

export class InteractionNotFound extends Error {
  override name = 'InteractionNotFound';
}

export class BrowserMismatch extends Error {
  override name = 'BrowserMismatch';
}

/** Counts what happens in browser sign-in (server/metrics.ts implements it; a no-op when metrics are off). */
export interface SignInMetrics {
  signInEvent(event: string, outcome: 'success' | 'failure'): void;
}

export const NO_SIGN_IN_METRICS: SignInMetrics = { signInEvent: () => undefined };
