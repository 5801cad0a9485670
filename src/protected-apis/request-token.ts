import type { FastifyRequest } from 'fastify';
import { BearerChallenge } from './bearer-challenge.js';
import { bearerTokenOf } from './resource-guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Where the access token came from. */
    tokenSource?: 'authorization' | 'header' | 'cookie';
  }
}

/**
 * The access token of a request to Gatehouse's own resources, looked for in `Authorization: Bearer`, then
 * the configured header, then the configured cookie. Two different tokens in one request are refused.
 */
export function requestTokenReader(options: { header: () => string; cookie: () => string }) {
  return (request: FastifyRequest): string | undefined => {
    const fromAuthorization = bearerTokenOf(request.headers.authorization);
    const headerValue = request.headers[options.header().toLowerCase()];
    const fromHeader = typeof headerValue === 'string' && headerValue.trim() !== '' ? headerValue.trim() : undefined;
    const fromCookie = request.cookies[options.cookie()] || undefined;
    const token = fromAuthorization ?? fromHeader ?? fromCookie;
    if ((fromHeader !== undefined && fromHeader !== token) || (fromCookie !== undefined && fromCookie !== token)) {
      throw new BearerChallenge(400, 'invalid_request', 'the request carries two different access tokens');
    }
    request.tokenSource = fromAuthorization !== undefined ? 'authorization' : fromHeader !== undefined ? 'header' : fromCookie !== undefined ? 'cookie' : undefined;
    return token;
  };
}
