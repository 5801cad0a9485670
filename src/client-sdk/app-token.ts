import { basicAuthorization } from './client-authentication.js';
import { isRecord } from '../shared/is-record.js';
import { runChallengeFlow, type ChallengeHandler } from './challenge-flow.js';
import { GatehouseResponseError } from './errors.js';
import { networkErrorsNamed } from './network.js';
import { normaliseScope } from './scope.js';
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

/**
 * An application token, in the SDK's camelCase like every result of `gatehouse/client`. In 0.1 this was
 * the endpoint's raw answer; its snake_case names still read (not enumerated, not in JSON) and go in a later 0.x.
 */
export interface AppTokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  /** The token's lifetime in seconds, as the server said. */
  expiresIn: number;
  /** When the token expires (ms since the epoch), counted from when the request left. */
  expiresAt: number;
  /** The granted scope, as the server said (undefined when it did not say). */
  scope: string | undefined;
  /** @deprecated use `accessToken` */
  readonly access_token: string;
  /** @deprecated use `tokenType` */
  readonly token_type: 'Bearer';
  /** @deprecated use `expiresIn` */
  readonly expires_in: number;
}

export interface AppTokenCallOptions extends AppTokenRequestOptions {
  clientSecret: string;
  fetch?: typeof fetch;
  /** Handlers of security-check challenges by check name (the same contract as `registerChallengeHandler`). */
  challengeHandlers?: Record<string, ChallengeHandler>;
  /** Rounds of challenge answers before giving up (default 5). */
  maxChallengeRounds?: number;
}

/**
 * Calls the application token endpoint (server to server: Gatehouse refuses requests from browsers) with the
 * secret and a freshly signed request (signed again for every round of challenge answers: it is single-use).
 * Errors: `GatehouseOAuthError` with the server's error code; the challenge errors of `GatehouseClient`;
 * `GatehouseNetworkError` when the endpoint cannot be reached.
 */
export async function requestAppToken(options: AppTokenCallOptions): Promise<AppTokenResponse> {
  const send = networkErrorsNamed(options.fetch);
  const requestedAt = Date.now();
  const endpoint = `${trimIssuer(options.issuer)}${APP_TOKEN_PATH}`;
  const handlers = options.challengeHandlers ?? {};
  const body = await runChallengeFlow({
    send: async (answers) => {
      const form = new URLSearchParams({ request: await signAppTokenRequest(options) });
      if (answers !== undefined) form.set('challenge_response', JSON.stringify(answers));
      return send(endpoint, {
        method: 'POST',
        credentials: 'omit',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: basicAuthorization(options.clientId, options.clientSecret),
        },
        body: form.toString(),
      });
    },
    handler: (check) => (Object.hasOwn(handlers, check) ? handlers[check] : undefined),
    maxRounds: options.maxChallengeRounds ?? 5,
    scope: normaliseScope(options.scope),
    endpointName: 'application token endpoint',
  });
  if (!isRecord(body) || typeof body.access_token !== 'string') throw new GatehouseResponseError('the application token endpoint answered without an access_token', 200);
  if (typeof body.expires_in !== 'number' || !(body.expires_in >= 0)) throw new GatehouseResponseError('the application token endpoint answered without an expires_in', 200);
  return appToken(body.access_token, body.expires_in, typeof body.scope === 'string' ? body.scope : undefined, requestedAt);
}

/** The result, with the 0.1 names as read-only, non-enumerable aliases (JSON and spreading show the camelCase ones). */
function appToken(accessToken: string, expiresIn: number, scope: string | undefined, requestedAt: number): AppTokenResponse {
  const token = { accessToken, tokenType: 'Bearer' as const, expiresIn, expiresAt: requestedAt + expiresIn * 1000, scope };
  return Object.defineProperties(token, {
    access_token: { get: () => token.accessToken, enumerable: false },
    token_type: { get: () => token.tokenType, enumerable: false },
    expires_in: { get: () => token.expiresIn, enumerable: false },
  }) as AppTokenResponse;
}
