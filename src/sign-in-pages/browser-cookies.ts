import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { generateSecret } from '../keys/secret-digest.js';
import { sameText } from '../shared/same-text.js';

/** The browser session of single sign-on (a random id; the store keeps its digest). */
export const SESSION_COOKIE = 'gatehouse_session';
/** Binds the pages' forms to the browser that opened them (double-submit CSRF token; Lax, so never sent by a cross-site POST). */
export const BROWSER_COOKIE = 'gatehouse_browser';

/**
 * A cookie's name for this issuer: on https with the `__Host-` prefix, which browsers accept only from this
 * host, Secure, for the whole path and without a Domain, so a sibling subdomain cannot plant a session or a
 * CSRF token of its choosing (cookie tossing). Plain http (development) cannot have the prefix.
 */
export function cookieName(base: typeof SESSION_COOKIE | typeof BROWSER_COOKIE, issuer: string): string {
  return issuer.startsWith('https://') ? `__Host-${base}` : base;
}

const BROWSER_COOKIE_MAX_AGE = 86_400;

/** The cookies' attributes: HttpOnly, SameSite=Lax, Secure when the issuer is https, for the whole server. */
function attributes(issuer: string, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: issuer.startsWith('https://'), maxAge };
}

export function readCookie(request: FastifyRequest, base: typeof SESSION_COOKIE | typeof BROWSER_COOKIE, issuer: string): string | undefined {
  const value = request.cookies[cookieName(base, issuer)];
  return typeof value === 'string' && value !== '' && value.length <= 200 ? value : undefined;
}

export function setSessionCookie(reply: FastifyReply, issuer: string, sessionId: string, maxAgeSeconds: number): void {
  reply.setCookie(cookieName(SESSION_COOKIE, issuer), sessionId, attributes(issuer, maxAgeSeconds));
}

export function clearSessionCookie(reply: FastifyReply, issuer: string): void {
  reply.clearCookie(cookieName(SESSION_COOKIE, issuer), { ...attributes(issuer, 0), maxAge: undefined });
}

export function setBrowserCookie(reply: FastifyReply, issuer: string, token: string): void {
  reply.setCookie(cookieName(BROWSER_COOKIE, issuer), token, attributes(issuer, BROWSER_COOKIE_MAX_AGE));
}

/** The browser-binding token a page's form carries: the browser's cookie, or a new one set now. */
export function browserTokenFor(request: FastifyRequest, reply: FastifyReply, issuer: string): string {
  const existing = readCookie(request, BROWSER_COOKIE, issuer);
  if (existing !== undefined) return existing;
  const token = generateSecret();
  setBrowserCookie(reply, issuer, token);
  return token;
}

/**
 * Double-submit CSRF check of a posted form: its `csrf` field equals the browser-binding cookie, which a
 * cross-site POST does not carry (SameSite=Lax).
 */
export function formBoundToBrowser(csrf: unknown, browserToken: string | undefined): boolean {
  return typeof csrf === 'string' && browserToken !== undefined && sameText(csrf, browserToken);
}
