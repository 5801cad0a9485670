import type { FastifyRequest } from 'fastify';
import type { BrowserContext } from '../oauth/authorization/flow-types.js';
import { BROWSER_COOKIE, readCookie, SESSION_COOKIE } from './browser-cookies.js';

/** The browser of a request as the sign-in flow sees it. */
export function browserOf(request: FastifyRequest, issuer: string): BrowserContext {
  const userAgent = request.headers['user-agent'];
  return {
    sessionId: readCookie(request, SESSION_COOKIE, issuer),
    browserToken: readCookie(request, BROWSER_COOKIE, issuer),
    sourceAddress: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    headers: request.headers,
  };
}
