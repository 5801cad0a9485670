/** Path prefix of RFC 8414 authorization server metadata. */
export const AUTHORIZATION_SERVER_METADATA_SUFFIX = '/.well-known/oauth-authorization-server';

/** The issuer without its trailing slashes: `https://as.example/` and `https://as.example` are one issuer. */
export function trimIssuer(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

/**
 * The RFC 8414 §3.1 metadata URL of an issuer: the well-known suffix goes between the host and the
 * issuer's path, so `https://as.example/tenant1` -> `https://as.example/.well-known/oauth-authorization-server/tenant1`.
 * Uses only the WHATWG URL class: the browser SDK imports it too. Throws a TypeError for a non-URL.
 */
export function authorizationServerMetadataUrl(issuer: string): string {
  const url = new URL(trimIssuer(issuer));
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${AUTHORIZATION_SERVER_METADATA_SUFFIX}${path}`;
}
