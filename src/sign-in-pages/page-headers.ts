import { randomBytes } from 'node:crypto';

/** A fresh nonce for one page's inline style (and form_post script): 128 random bits, base64. */
export function newCspNonce(): string {
  return randomBytes(16).toString('base64');
}

const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:$/;

/**
 * The CSP source of a URI a form may post (or a form's POST may redirect) to: the origin of an http(s) URL,
 * the scheme of a private-use one (`com.example.app:`); undefined for anything else (javascript:, data:, ...).
 */
export function formActionSource(uri: string): string | undefined {
  if (!URL.canParse(uri)) return undefined;
  const url = new URL(uri);
  if (url.protocol === 'https:' || url.protocol === 'http:') return url.origin;
  if (!SCHEME.test(url.protocol) || ['javascript:', 'data:', 'blob:', 'file:', 'vbscript:', 'about:', 'filesystem:'].includes(url.protocol)) return undefined;
  return url.protocol;
}

/**
 * Headers of every hosted page: a strict CSP (nothing but nonce'd inline style and script, images from here,
 * https and data:, forms only to this server and `formActions`), no framing, no caching, no referrer.
 * `formActions`: URIs or origins a form posts to besides this server, for form_post and for POSTs answered
 * with a redirect to the client (browsers apply form-action to the redirect too). Unusable ones are left out.
 */
export function pageHeaders(cspNonce: string, formActions: readonly string[] = []): Record<string, string> {
  if (!NONCE.test(cspNonce)) throw new TypeError('the CSP nonce must be base64 of at least 12 bytes');
  const sources = [...new Set(formActions.map(formActionSource).filter((source): source is string => source !== undefined))];
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${cspNonce}'`,
    `script-src 'nonce-${cspNonce}'`,
    "img-src 'self' data: https:",
    ["form-action 'self'", ...sources].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}
