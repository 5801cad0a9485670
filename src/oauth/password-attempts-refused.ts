import type { TooManyAttempts } from '../users/attempt-limiter.js';
import { OAuthError } from './oauth-error.js';

const WHOSE: Record<string, string> = {
  'password-address': 'from this address',
  'password-client': 'for this client',
  'password-user': 'for this user',
};

/** The token endpoint's answer to a password check refused by its limits: 429 `too_many_requests` with Retry-After. */
export function passwordAttemptsRefused(refusal: TooManyAttempts): OAuthError {
  const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
  const what = ['too many password attempts', WHOSE[refusal.rule]].filter(Boolean).join(' ');
  return new OAuthError(429, 'too_many_requests', `${what}; retry in ${seconds} s`, { 'Retry-After': String(seconds) });
}
