import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export const APP_TOKEN_PATH = '/api/auth/sign/ap/token';

export interface AppTokenRequestOptions {
  /** Gatehouse's issuer URL. */
  issuer: string;
  clientId: string;
  /** The application's private key: PKCS#8 PEM (as `gatehouse clients keygen` prints it) or a KeyObject. */
  privateKey: string | KeyObject;
  /** The registered key's id. */
  kid: string;
  /** ES256 (default), EdDSA, RS256 or PS256: the algorithm of the key. */
  alg?: 'ES256' | 'EdDSA' | 'RS256' | 'PS256';
  /** A user (id or username) to obtain the token for; the application must be allowed to act for users. */
  sub?: string;
  /** Space-separated scope; default: all of the application's scopes. */
  scope?: string;
  /** Seconds the signed request is valid (default 60). */
  lifetimeSeconds?: number;
}

/** Signs the `request` JWT of the application token endpoint: single-use, short-lived, bound to the endpoint. */
export async function signAppTokenRequest(options: AppTokenRequestOptions): Promise<string> {
  const key = typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  const issuer = options.issuer.replace(/\/+$/, '');
  const claims: Record<string, string> = { jti: randomUUID() };
  if (options.sub !== undefined) claims.sub = options.sub;
  if (options.scope !== undefined) claims.scope = options.scope;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setAudience(`${issuer}${APP_TOKEN_PATH}`)
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

/** Calls the application token endpoint (server to server) with the secret and a freshly signed request. */
export async function requestAppToken(options: AppTokenRequestOptions & { clientSecret: string; fetch?: typeof fetch }): Promise<AppTokenResponse> {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const response = await (options.fetch ?? fetch)(`${options.issuer.replace(/\/+$/, '')}${APP_TOKEN_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encode(options.clientId)}:${encode(options.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ request: await signAppTokenRequest(options) }).toString(),
  });
  const body = (await response.json()) as AppTokenResponse & { error?: string; error_description?: string };
  if (!response.ok) throw new Error(`application token refused: ${body.error ?? response.status} ${body.error_description ?? ''}`.trim());
  return body;
}
