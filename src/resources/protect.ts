import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallenge } from './bearer-challenge.js';
import { bearerTokenOf, type ResourceCaller, type ResourceGuard } from './resource-guard.js';

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
    /** false: the route needs no token (unless it declares a scope). */
    protected?: boolean;
  }
}

/** A group's protection: what its routes need unless they declare their own. */
export interface GroupProtection {
  scope?: string;
  protected?: boolean;
}

/** The scope a route needs, or null when it is unprotected: the route's declaration wins over the group's. */
export function routeRequirement(route: GroupProtection, group: GroupProtection): string[] | null {
  const list = (scope: string) => scope.split(' ').filter((element) => element !== '');
  if (route.scope !== undefined) return list(route.scope);
  if (route.protected === false) return null;
  if (route.protected === true) return group.scope !== undefined ? list(group.scope) : [];
  if (group.scope !== undefined) return list(group.scope);
  if (group.protected === false) return null;
  return [];
}

/**
 * An onRequest hook for a group of routes (a fastify plugin): each route needs a valid token with the
 * scope it or its group declares; with no declaration any valid token; `protected: false` needs none.
 */
export function protectGroup(
  guard: ResourceGuard,
  group: GroupProtection,
  resourceMetadataUrl: () => string,
  tokenOf: (request: FastifyRequest) => string | undefined = (request) => bearerTokenOf(request.headers.authorization),
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const required = routeRequirement(request.routeOptions.config, group);
    if (required === null) return;
    try {
      request.caller = await guard.check(tokenOf(request), required);
    } catch (error) {
      if (!(error instanceof BearerChallenge)) throw error;
      await reply
        .status(error.status)
        .header('WWW-Authenticate', error.header(REALM, resourceMetadataUrl()))
        .header('Cache-Control', 'no-store')
        .send(error.body());
    }
  };
}
