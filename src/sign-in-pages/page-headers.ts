// TEMPORARY stand-in until the pages branch lands.
import { randomBytes } from 'node:crypto';
export function newCspNonce(): string {
  return randomBytes(16).toString('base64');
}
export function pageHeaders(cspNonce: string, extraFormActions: string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${cspNonce}'; script-src 'nonce-${cspNonce}'; img-src 'self' data: https:; form-action 'self' ${extraFormActions.join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  };
}
