import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_METHODS, OFFLINE_ACCESS } from '../../clients/client.js';
import { CLIENT_KEY_ALGS } from '../../clients/client-keys.js';
import { SIGNING_ALGS } from '../../shared/signing-algs.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { ProfileDirectory } from '../../security/profile-directory.js';
import { TOKEN_ENDPOINT_GRANT_TYPES } from '../grants/grant-table.js';
import { INTROSPECTION_PATH, JWKS_PATH, METADATA_PATH, REGISTRATION_PATH, REVOCATION_PATH, TOKEN_PATH } from './paths.js';

/** What the metadata endpoint uses. */
export interface MetadataEndpointServices {
  config: Pick<GatehouseConfig, 'issuer'>;
  profileDirectory: Pick<ProfileDirectory, 'scopeElements'>;
}

/**
 * RFC 8414 authorization server metadata. `scopes_supported` lists the scopes that are declared: by the
 * authorization server (offline_access), by Gatehouse's own resources (`resourceScopes`: the user API,
 * `commands`, and the scopes server commands require: their application's name or what they declare) and by security profiles (the elements they map).
 * Never the scopes given to clients: those strings are an administrator's choice per partner, not public.
 */
export function registerMetadataEndpoint(app: FastifyInstance, services: MetadataEndpointServices, resourceScopes: readonly string[]): void {
  const declaredScopes = () => [...new Set([OFFLINE_ACCESS, ...resourceScopes, ...services.profileDirectory.scopeElements()])].sort();
  const metadata = async (_request: FastifyRequest, reply: FastifyReply) => {
    const issuer = services.config.issuer;
    reply.header('Cache-Control', 'public, max-age=60');
    return {
      issuer,
      token_endpoint: `${issuer}${TOKEN_PATH}`,
      jwks_uri: `${issuer}${JWKS_PATH}`,
      introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
      revocation_endpoint: `${issuer}${REVOCATION_PATH}`,
      registration_endpoint: `${issuer}${REGISTRATION_PATH}`,
      grant_types_supported: TOKEN_ENDPOINT_GRANT_TYPES,
      response_types_supported: [],
      token_endpoint_auth_methods_supported: [...AUTH_METHODS],
      introspection_endpoint_auth_methods_supported: [...AUTH_METHODS],
      revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
      token_endpoint_auth_signing_alg_values_supported: [...CLIENT_KEY_ALGS],
      introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_KEY_ALGS],
      revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_KEY_ALGS],
      scopes_supported: declaredScopes(),
      access_token_signing_alg_values_supported: [...SIGNING_ALGS],
    };
  };
  app.get(METADATA_PATH, metadata);
  // RFC 8414 §3.1: an issuer with a path (https://as.example/tenant1) publishes its metadata at the suffix
  // followed by that path (/.well-known/oauth-authorization-server/tenant1), where gatehouse/client and
  // gatehouse/resource-server look. Read per request: the issuer may be set after the routes.
  app.get(`${METADATA_PATH}/*`, async (request, reply) => {
    const issuerPath = new URL(services.config.issuer).pathname.replace(/\/+$/, '');
    if (issuerPath === '' || request.url.split('?')[0] !== `${METADATA_PATH}${issuerPath}`) return reply.callNotFound();
    return metadata(request, reply);
  });
}
