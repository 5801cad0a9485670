import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';

/** The browser session of single sign-on (a random id; the store keeps its digest). */
export const SESSION_COOKIE = 'gatehouse_session';
/** Binds the pages' forms to the browser that opened them (double-submit CSRF token; Lax, so never sent by a cross-site POST). */
export const BROWSER_COOKIE = 'gatehouse_browser';

const BROWSER_COOKIE_MAX_AGE = 86_400;

/** The cookies' attributes: HttpOnly, SameSite=Lax, Secure when the issuer is https, for the whole server. */
function attributes(issuer: string, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: issuer.startsWith('https://'), maxAge };
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies[name];
  return typeof value === 'string' && value !== '' && value.length <= 200 ? value : undefined;
}

export function setSessionCookie(reply: FastifyReply, issuer: string, sessionId: string, maxAgeSeconds: number): void {
  reply.setCookie(SESSION_COOKIE, sessionId, attributes(issuer, maxAgeSeconds));
}

export function clearSessionCookie(reply: FastifyReply, issuer: string): void {
  reply.clearCookie(SESSION_COOKIE, { ...attributes(issuer, 0), maxAge: undefined });
}

export function setBrowserCookie(reply: FastifyReply, issuer: string, token: string): void {
  reply.setCookie(BROWSER_COOKIE, token, attributes(issuer, BROWSER_COOKIE_MAX_AGE));
}
