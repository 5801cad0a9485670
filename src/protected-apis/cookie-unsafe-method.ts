import type { FastifyRequest } from 'fastify';
import { BearerChallenge } from './bearer-challenge.js';
import type { ResourceCaller } from './resource-guard.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `application/json` or any `+json` media type (parameters aside): a cross-site form cannot send one, and fetch only after a preflight. */
export function isJsonContentType(header: string | undefined): boolean {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(mediaType);
}

/**
 * The cross-site request forgery check for tokens that travel in the cookie (a browser adds the cookie to any
 * site's request): an unsafe method is accepted only with a JSON content type or an `Origin` that the token's
 * client lists among its allowed origins. Tokens in a header are left alone: no page can make a browser send them.
 */
export function cookieUnsafeMethodCheck(allowedOriginsOf: (clientId: string) => readonly string[]) {
  return (request: FastifyRequest, caller: Pick<ResourceCaller, 'clientId'>): void => {
    if (request.tokenSource !== 'cookie' || SAFE_METHODS.has(request.method)) return;
    if (isJsonContentType(request.headers['content-type'])) return;
    const origin = request.headers.origin;
    if (origin !== undefined && allowedOriginsOf(caller.clientId).includes(origin)) return;
    throw new BearerChallenge(
      403,
      'invalid_request',
      'a request with the access token in the cookie must send Content-Type application/json or come from an origin its client allows; otherwise send the token in the Authorization header',
    );
  };
}

/** Runs after the guard accepted a caller; throws a BearerChallenge to refuse the request. */
export type CallerCheck = (request: FastifyRequest, caller: ResourceCaller) => void;
