import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { decodeJwt } from 'jose';
import type { GatehouseConfig } from '../../config/config.js';
import { rateLimitStoreOptions, type SharedRateLimitStore } from '../../server/rate-limit-store.js';
import { basicUserOf, formField } from '../claimed-client.js';
import { OAuthError } from '../oauth-error.js';

/** The client a request claims to be, for counting before it is authenticated. */
function claimedClientId(request: FastifyRequest): string {
  const basicUser = basicUserOf(request.headers.authorization);
  if (basicUser !== undefined) return `basic:${basicUser}`;
  const postedId = formField(request, 'client_id');
  if (postedId !== undefined) return `post:${postedId}`;
  // private_key_jwt may leave client_id out: the (not yet verified) assertion's subject names the client.
  return `assertion:${assertionSubject(formField(request, 'client_assertion'))}`;
}

function assertionSubject(assertion: string | undefined): string {
  if (assertion === undefined) return '';
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
}

/**
 * One @fastify/rate-limit limiter. Each lives in a context of its own: the plugin runs at most one of
 * its limiters per request and context, and we need two (per client and per address).
 */
async function limiter(
  app: FastifyInstance,
  name: string,
  shared: SharedRateLimitStore | undefined,
  max: () => number,
  keyGenerator: (request: FastifyRequest) => string,
): Promise<preHandlerAsyncHookHandler> {
  let handler: preHandlerAsyncHookHandler | undefined;
  await app.register(async (scope) => {
    // With a shared Redis every instance counts into the same keys.
    await scope.register(rateLimit, { global: false, ...rateLimitStoreOptions(shared, name) });
    handler = scope.rateLimit({
      max,
      timeWindow: 60_000,
      keyGenerator,
      errorResponseBuilder: (_request, context) =>
        new OAuthError(429, 'too_many_requests', `too many password sign-ins; retry in ${context.after}`, {
          'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))),
        }),
    });
  });
  if (!handler) throw new Error('rate limiter was not created');
  return handler;
}

/**
 * A preHandler limiting password-grant requests per source address and per client (429 with
 * Retry-After beyond). Other grants pass without any counting, so the hot path pays nothing.
 */
export async function passwordRateLimits(
  app: FastifyInstance,
  config: GatehouseConfig,
  shared: SharedRateLimitStore | undefined,
): Promise<preHandlerAsyncHookHandler> {
  const byAddress = await limiter(app, 'password-address', shared, () => config.passwordRateLimitPerAddress, (request) => `address:${request.ip}`);
  const byClient = await limiter(app, 'password-client', shared, () => config.passwordRateLimitPerClient, claimedClientId);
  return async function limitPasswordGrant(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    if (formField(request, 'grant_type') !== 'password') return;
    await byAddress.call(this, request, reply);
    await byClient.call(this, request, reply);
  };
}
