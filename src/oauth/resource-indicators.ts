import type { GatehouseConfig } from '../config/config.js';
import { OAuthError } from './oauth-error.js';

/**
 * The resources a token may be requested for (RFC 8707): the issuer itself — Gatehouse's own APIs, whose
 * RFC 9728 metadata names the issuer as their resource, as MCP clients send it — and the configured ones.
 */
export function servedResources(config: Pick<GatehouseConfig, 'issuer' | 'resources'>): string[] {
  return [config.issuer, ...config.resources];
}

/** RFC 8707: every requested resource must be registered with the server. */
export function requestedResources(requested: readonly string[], registered: readonly string[]): string[] {
  for (const resource of requested) {
    if (!registered.includes(resource)) throw new OAuthError(400, 'invalid_target', `the resource '${resource}' is not registered`);
  }
  return [...new Set(requested)];
}

/**
 * RFC 8707 §2.2: the resources of a refreshed access token. A refresh may name some of its grant's
 * resources (a narrower audience), never others; without any, the token is for all of the grant's. Each
 * must still be registered: a resource the server no longer serves is refused, not dropped, since dropping
 * the last one would make the issuer the audience, which the grant never had.
 */
export function refreshedResources(requested: readonly string[], granted: readonly string[], registered: readonly string[]): string[] {
  const outside = requested.filter((resource) => !granted.includes(resource));
  if (outside.length > 0) throw new OAuthError(400, 'invalid_target', `the resource '${String(outside[0])}' was not granted with this refresh token`);
  return requestedResources(requested.length > 0 ? requested : granted, registered);
}
