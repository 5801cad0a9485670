import { basicAuthorization } from './client-authentication.js';
import { GatehouseOAuthError, GatehouseResponseError } from './errors.js';
import { trimIssuer } from './discovery.js';
import { importSigningKey, randomId, type ClientKeyAlgorithm, type PrivateKeyInput } from './private-key-jwt.js';
import { SignJWT } from 'jose';

export const APP_TOKEN_PATH = '/api/auth/sign/ap/token';

export interface AppTokenRequestOptions {
  /** Gatehouse's issuer URL. */
  issuer: string;
  clientId: string;
  /** The application's private key: PKCS#8 PEM (as `gatehouse clients keygen` prints it), a private JWK, a CryptoKey or a KeyObject. */
  privateKey: PrivateKeyInput;
  /** The registered key's id. */
  kid: string;
  /** ES256 (default), EdDSA, RS256 or PS256: the algorithm of the key. */
  alg?: ClientKeyAlgorithm;
  /** A user (id or username) to obtain the token for; the application must be allowed to act for users. */
  sub?: string;
  /** Space-separated scope; default: all of the application's scopes. */
  scope?: string;
  /** Seconds the signed request is valid (default 60). */
  lifetimeSeconds?: number;
}

/** Signs the `request` JWT of the application token endpoint: single-use, short-lived, bound to the endpoint. */
export async function signAppTokenRequest(options: AppTokenRequestOptions): Promise<string> {
  const alg = options.alg ?? 'ES256';
  const key = await importSigningKey(options.privateKey, alg);
  const claims: Record<string, string> = { jti: randomId() };
  if (options.sub !== undefined) claims.sub = options.sub;
  if (options.scope !== undefined) claims.scope = options.scope;
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: options.kid, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setAudience(`${trimIssuer(options.issuer)}${APP_TOKEN_PATH}`)
    .setIssuedAt()
    .setExpirationTime(`${options.lifetimeSeconds ?? 60}s`)
    .sign(key);
}

export interface AppTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
}

/**
 * Calls the application token endpoint (server to server: Gatehouse refuses requests from browsers) with the
 * secret and a freshly signed request. Errors: `GatehouseOAuthError` with the server's error code.
 */
export async function requestAppToken(options: AppTokenRequestOptions & { clientSecret: string; fetch?: typeof fetch }): Promise<AppTokenResponse> {
  const response = await (options.fetch ?? fetch)(`${trimIssuer(options.issuer)}${APP_TOKEN_PATH}`, {
    method: 'POST',
    credentials: 'omit',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: basicAuthorization(options.clientId, options.clientSecret),
    },
    body: new URLSearchParams({ request: await signAppTokenRequest(options) }).toString(),
  });
  let body: Partial<AppTokenResponse> & { error?: unknown; error_description?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GatehouseResponseError(`the application token endpoint answered ${response.status} without JSON`, response.status);
  }
  if (!response.ok) {
    throw new GatehouseOAuthError(typeof body.error === 'string' ? body.error : 'invalid_response', typeof body.error_description === 'string' ? body.error_description : undefined, response.status);
  }
  if (typeof body.access_token !== 'string') throw new GatehouseResponseError('the application token endpoint answered without an access_token', response.status);
  return body as AppTokenResponse;
}
