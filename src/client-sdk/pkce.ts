/**
 * RFC 7636 (PKCE) for the authorization code flow: a code verifier from `crypto.getRandomValues` and its
 * `S256` challenge from `crypto.subtle` (browsers and Node.js 20 alike). `plain` is not offered: Gatehouse
 * refuses it (RFC 9700 §2.1.1).
 */

/** RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`. */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** base64url without padding (RFC 4648 §5) of bytes; `btoa` exists in browsers and Node.js. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random URL-safe string of `bytes` random bytes (default 32, i.e. 256 bits): for `state` and `nonce`. */
export function randomUrlSafe(bytes = 32): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A new code verifier of `length` characters (43 to 128, default 43: 258 random bits). */
export function createCodeVerifier(length = 43): string {
  if (!Number.isInteger(length) || length < 43 || length > 128) throw new RangeError(`a PKCE code verifier has 43 to 128 characters, not ${length}`);
  // base64url has 6 random bits per character: enough bytes for `length` characters, then cut.
  return randomUrlSafe(Math.ceil((length * 3) / 4)).slice(0, length);
}

/** The `S256` code challenge of a verifier: BASE64URL(SHA-256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function codeChallengeS256(verifier: string): Promise<string> {
  if (!VERIFIER_PATTERN.test(verifier)) throw new RangeError('a PKCE code verifier has 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64UrlEncode(new Uint8Array(digest));
}
