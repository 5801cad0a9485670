import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_METHODS, OFFLINE_ACCESS } from '../../clients/client.js';
import { ROLES_SCOPE } from '../../users/user.js';
import { CLIENT_KEY_ALGS } from '../../clients/client-keys.js';
import { ID_TOKEN_ALG } from '../../keys/signing-keys.js';
import { SIGNING_ALGS } from '../../shared/signing-algs.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { ProfileDirectory } from '../../security/profile-directory.js';
import { TOKEN_ENDPOINT_GRANT_TYPES } from '../grants/grant-table.js';
import { EMAIL_SCOPE, OPENID_SCOPE, PROFILE_SCOPE, SUPPORTED_USER_CLAIMS } from '../user-claims.js';
import {
  AUTHORIZATION_PATH,
  END_SESSION_PATH,
  INTROSPECTION_PATH,
  JWKS_PATH,
  METADATA_PATH,
  OPENID_CONFIGURATION_PATH,
  PAR_PATH,
  REGISTRATION_PATH,
  REVOCATION_PATH,
  TOKEN_PATH,
  USERINFO_PATH,
} from './paths.js';

/** What the metadata endpoints use. */
export interface MetadataEndpointServices {
  config: Pick<GatehouseConfig, 'issuer' | 'signingAlg'>;
  profileDirectory: Pick<ProfileDirectory, 'scopeElements'>;
}

/** Claims of ID tokens and UserInfo responses (OIDC Discovery `claims_supported`). */
const CLAIMS_SUPPORTED = ['iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'acr', 'azp', 'at_hash', ...SUPPORTED_USER_CLAIMS];

/**
 * The one metadata document, served as RFC 8414 authorization server metadata and as OpenID Connect Discovery
 * 1.0's provider configuration (the same members at both addresses, so they never disagree).
 * `scopes_supported` lists the scopes that are declared: by the authorization server (offline_access, openid,
 * profile, email, roles), by Gatehouse's own resources (`resourceScopes`: the user API, `commands`, and the scopes
 * server commands require: their application's name or what they declare) and by security profiles (the
 * elements they map). Never the scopes given to clients: those strings are an administrator's choice per
 * partner, not public.
 */
export function authorizationServerMetadata(services: MetadataEndpointServices, resourceScopes: readonly string[]): Record<string, unknown> {
  const issuer = services.config.issuer;
  const declaredScopes = [...new Set([OFFLINE_ACCESS, OPENID_SCOPE, PROFILE_SCOPE, EMAIL_SCOPE, ROLES_SCOPE, ...resourceScopes, ...services.profileDirectory.scopeElements()])].sort();
  return {
    issuer,
    authorization_endpoint: `${issuer}${AUTHORIZATION_PATH}`,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    pushed_authorization_request_endpoint: `${issuer}${PAR_PATH}`,
    require_pushed_authorization_requests: false,
    userinfo_endpoint: `${issuer}${USERINFO_PATH}`,
    end_session_endpoint: `${issuer}${END_SESSION_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
    revocation_endpoint: `${issuer}${REVOCATION_PATH}`,
    registration_endpoint: `${issuer}${REGISTRATION_PATH}`,
    grant_types_supported: TOKEN_ENDPOINT_GRANT_TYPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    code_challenge_methods_supported: ['S256'],
    // RFC 9207: authorization responses carry `iss`.
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set([ID_TOKEN_ALG, services.config.signingAlg])],
    claims_supported: CLAIMS_SUPPORTED,
    prompt_values_supported: ['none', 'login', 'consent'],
    ui_locales_supported: ['en', 'ja'],
    token_endpoint_auth_methods_supported: [...new Set<string>([...AUTH_METHODS, 'none'])],
    introspection_endpoint_auth_methods_supported: [...AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_KEY_ALGS],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_KEY_ALGS],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_KEY_ALGS],
    scopes_supported: declaredScopes,
    access_token_signing_alg_values_supported: [...SIGNING_ALGS],
  };
}

/**
 * RFC 8414 metadata at `/.well-known/oauth-authorization-server` and OpenID Connect Discovery at
 * `/.well-known/openid-configuration`: one document (authorizationServerMetadata).
 */
export function registerMetadataEndpoint(app: FastifyInstance, services: MetadataEndpointServices, resourceScopes: () => readonly string[]): void {
  const metadata = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('Cache-Control', 'public, max-age=60');
    return authorizationServerMetadata(services, resourceScopes());
  };
  app.get(METADATA_PATH, metadata);
  app.get(OPENID_CONFIGURATION_PATH, metadata);
  // RFC 8414 §3.1: an issuer with a path (https://as.example/tenant1) publishes its metadata at the suffix
  // followed by that path (/.well-known/oauth-authorization-server/tenant1), where gatehouse/client and
  // gatehouse/resource-server look. Read per request: the issuer may be set after the routes.
  // (OpenID Connect Discovery §4 appends the suffix to the issuer instead: the proxy that maps the issuer's
  // path maps `/tenant1/.well-known/openid-configuration` to the route above.)
  app.get(`${METADATA_PATH}/*`, async (request, reply) => {
    const issuerPath = new URL(services.config.issuer).pathname.replace(/\/+$/, '');
    if (issuerPath === '' || request.url.split('?')[0] !== `${METADATA_PATH}${issuerPath}`) return reply.callNotFound();
    return metadata(request, reply);
  });
}
