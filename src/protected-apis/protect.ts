import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallenge } from './bearer-challenge.js';
import type { CallerCheck } from './cookie-unsafe-method.js';
import { missingRoles, roleChallenge, tokenRoles } from './caller-roles.js';
import { bearerTokenOf, type ResourceCaller, type ResourceGuard } from './resource-guard.js';
import { routeRequirement, type GroupProtection } from './route-requirement.js';

export { routeRequirement, type GroupProtection } from './route-requirement.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller of a protected resource. */
    caller?: ResourceCaller;
  }
}

export const REALM = 'gatehouse';
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope elements the route needs (space-separated); wins over its group's. */
    scope?: string;
    /** false: the route needs no token (unless it declares a scope or roles). */
    protected?: boolean;
    /** Roles the caller must hold (the token's `roles` claim); declared roles always protect the route. */
    roles?: string[];
  }
}

/**
 * An onRequest hook for a group of routes (a fastify plugin): each route needs a valid token with the
 * scope it or its group declares (and the roles it declares); with no declaration any valid token; `protected: false` needs none.
 */
export function protectGroup(
  guard: ResourceGuard,
  group: GroupProtection,
  resourceMetadataUrl: () => string,
  tokenOf: (request: FastifyRequest) => string | undefined = (request) => bearerTokenOf(request.headers.authorization),
  /** Runs on the accepted caller, e.g. the cookie check of unsafe methods; throws a BearerChallenge to refuse. */
  checkCaller?: CallerCheck,
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { config } = request.routeOptions;
    const roles = config.roles;
    const required = routeRequirement(config, group) ?? (roles !== undefined && roles.length > 0 ? [] : null);
    if (required === null) return;
    try {
      const caller = await guard.check(tokenOf(request), required);
      if (roles !== undefined && roles.length > 0) {
        const missing = missingRoles(tokenRoles(caller.claims), roles);
        if (missing.length > 0) throw roleChallenge(missing, caller.claims);
      }
      checkCaller?.(request, caller);
      request.caller = caller;
    } catch (error) {
      if (!(error instanceof BearerChallenge)) throw error;
      await reply.status(error.status).header('WWW-Authenticate', error.header(REALM, resourceMetadataUrl())).header('Cache-Control', 'no-store').send(error.body());
    }
  };
}
