/** The authorization server's paths, in one module that every endpoint (and the server's input guard) imports. */
export const METADATA_PATH = '/.well-known/oauth-authorization-server';
export const JWKS_PATH = '/oauth/jwks';
export const TOKEN_PATH = '/oauth/token';
export const INTROSPECTION_PATH = '/oauth/introspect';
export const REVOCATION_PATH = '/oauth/revoke';
export const REGISTRATION_PATH = '/oauth/register';
/** The application token endpoint (a server-to-server call; see app-token.ts). */
export const APP_TOKEN_PATH = '/api/auth/sign/ap/token';
/** Embedding hand-off (issue 20): a server asks for a one-time launch link (POST, authenticated as at APP_TOKEN_PATH). */
export const APP_TOKEN_LAUNCH_PATH = '/api/auth/sign/ap/launch';
/** Opening `${LAUNCH_PATH}/:id` in a browser sets the token cookie and redirects to the target (GET, single use). */
export const LAUNCH_PATH = '/launch';

/** Form bodies of OAuth requests are small; anything larger is refused early. */
export const OAUTH_BODY_LIMIT = 64 * 1024;

/** Browser sign-in (issue 19). */
export const AUTHORIZATION_PATH = '/oauth/authorize';
/** RFC 9126 pushed authorization requests. */
export const PAR_PATH = '/oauth/par';
/** OpenID Connect UserInfo. */
export const USERINFO_PATH = '/oauth/userinfo';
/** OpenID Connect RP-initiated logout. */
export const END_SESSION_PATH = '/oauth/logout';
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
/** The hosted sign-in pages of one interaction: `${SIGN_IN_PAGES_PATH}/:interaction`. */
export const SIGN_IN_PAGES_PATH = '/sign-in';
/** The signed-in person's own page: the applications they allowed, sign out. */
export const ACCOUNT_PATH = '/account';
