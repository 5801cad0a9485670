import type { FastifyInstance } from 'fastify';
import { AUTH_METHODS, OFFLINE_ACCESS } from '../../clients/client.js';
import { CLIENT_KEY_ALGS } from '../../clients/client-keys.js';
import { SIGNING_ALGS } from '../../shared/signing-algs.js';
import type { Gatehouse } from '../../gatehouse.js';
import { INTROSPECTION_PATH } from './introspect.js';
import { JWKS_PATH } from './jwks.js';
import { REVOCATION_PATH } from './revoke.js';
import { TOKEN_PATH } from './token.js';
import { REGISTRATION_PATH } from './register.js';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** Grant types the token endpoint accepts today. */
export const SUPPORTED_GRANT_TYPES = ['client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];

/**
 * RFC 8414 authorization server metadata. `scopes_supported` lists the scopes that are declared: by the
 * authorization server (offline_access), by Gatehouse's own resources (`resourceScopes`: the user API,
 * `commands`, and the scopes server commands require: their application's name or what they declare) and by security profiles (the elements they map).
 * Never the scopes given to clients: those strings are an administrator's choice per partner, not public.
 */
export function registerMetadataEndpoint(app: FastifyInstance, gatehouse: Gatehouse, resourceScopes: readonly string[]): void {
  const declaredScopes = () => [...new Set([OFFLINE_ACCESS, ...resourceScopes, ...gatehouse.profileDirectory.scopeElements()])].sort();
  app.get(METADATA_PATH, async (_request, reply) => {
    const issuer = gatehouse.config.issuer;
    reply.header('Cache-Control', 'public, max-age=60');
    return {
      issuer,
      token_endpoint: `${issuer}${TOKEN_PATH}`,
      jwks_uri: `${issuer}${JWKS_PATH}`,
      introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
      revocation_endpoint: `${issuer}${REVOCATION_PATH}`,
      registration_endpoint: `${issuer}${REGISTRATION_PATH}`,
      grant_types_supported: SUPPORTED_GRANT_TYPES,
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
  });
}
