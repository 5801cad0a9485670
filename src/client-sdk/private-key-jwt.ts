import { base64url, importJWK, importPKCS8, SignJWT, type CryptoKey, type JWK, type KeyObject } from 'jose';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The algorithms Gatehouse accepts for client keys. */
export type ClientKeyAlgorithm = 'ES256' | 'EdDSA' | 'RS256' | 'PS256';

/**
 * A private key: PKCS#8 PEM (as `gatehouse clients keygen` and the admin API print it), a private JWK, a
 * WebCrypto `CryptoKey` (browsers: may be non-extractable) or a Node.js `KeyObject`.
 */
export type PrivateKeyInput = string | CryptoKey | KeyObject | JWK;

/** A key jose can sign with. */
export type AssertionKey = CryptoKey | KeyObject | Uint8Array;

/** Turns a PEM or JWK into a key to sign with (WebCrypto import: works in Node.js and browsers). */
export async function importSigningKey(key: PrivateKeyInput, alg: ClientKeyAlgorithm): Promise<AssertionKey> {
  if (typeof key === 'string') return importPKCS8(key, alg);
  if (isJwk(key)) return importJWK(key, alg);
  return key;
}

function isJwk(key: CryptoKey | KeyObject | JWK): key is JWK {
  return typeof (key as JWK).kty === 'string';
}

/** A random, unguessable id (128 bits, base64url) from `crypto.getRandomValues` (also outside secure contexts). */
export function randomId(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
}

export interface ClientAssertionOptions {
  clientId: string;
  /** The token endpoint URL (Gatehouse also accepts the issuer). */
  audience: string;
  privateKey: PrivateKeyInput;
  /** The id of the registered key, so the server picks the right one. */
  kid: string;
  /** Default ES256 (the algorithm of keys Gatehouse generates). */
  alg?: ClientKeyAlgorithm;
  /** Seconds until the assertion expires; default 60 (Gatehouse refuses more than its maximum, 300 s by default). */
  lifetimeSeconds?: number;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
}

/**
 * A `private_key_jwt` client assertion (RFC 7523 §2.2): `iss` = `sub` = the client id, `aud` the token
 * endpoint, a fresh `jti` (Gatehouse accepts each once), `iat` and a short `exp`; header `alg` and `kid`.
 * Make a new one for every request.
 */
export async function createClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const alg = options.alg ?? 'ES256';
  const key = await importSigningKey(options.privateKey, alg);
  return signClientAssertion(key, { ...options, alg });
}

/** The same with a key already imported (what `GatehouseClient` does for every token request). */
export async function signClientAssertion(key: AssertionKey, options: Omit<ClientAssertionOptions, 'privateKey'> & { alg: ClientKeyAlgorithm }): Promise<string> {
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  return new SignJWT({ jti: randomId() })
    .setProtectedHeader({ alg: options.alg, kid: options.kid, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 60))
    .sign(key);
}
