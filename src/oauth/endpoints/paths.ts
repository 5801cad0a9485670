/** The authorization server's paths, in one module that every endpoint (and the server's input guard) imports. */
export const METADATA_PATH = '/.well-known/oauth-authorization-server';
export const JWKS_PATH = '/oauth/jwks';
export const TOKEN_PATH = '/oauth/token';
export const INTROSPECTION_PATH = '/oauth/introspect';
export const REVOCATION_PATH = '/oauth/revoke';
export const REGISTRATION_PATH = '/oauth/register';
/** The application token endpoint (a server-to-server call; see app-token.ts). */
export const APP_TOKEN_PATH = '/api/auth/sign/ap/token';

/** Form bodies of OAuth requests are small; anything larger is refused early. */
export const OAUTH_BODY_LIMIT = 64 * 1024;
