/** The one confidential client of the oidc-provider peer, shared by its server script and the runner. */
export const PEER_CLIENT_ID = 'bench-peer';
export const PEER_CLIENT_SECRET = 'bench-peer-secret-0123456789abcdef';
/** The resource indicator whose access tokens are RFC 9068 JWTs; a token request without `resource` gets an opaque token. */
export const PEER_RESOURCE = 'https://api.bench.example/';
/** Scopes the client may ask for. */
export const PEER_SCOPE = 'read';
