import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type CryptoKey } from 'jose';

/** `client_assertion_type` of a private_key_jwt client assertion (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * A client assertion as a private_key_jwt client sends it: iss = sub = the client, aud = the token endpoint of
 * the server at `serverUrl`, a fresh jti, valid for 60 s from now.
 */
export function clientAssertion(serverUrl: string, clientId: string, privateKey: KeyObject | CryptoKey, header: { alg: string; kid: string }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader(header)
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(`${serverUrl}/oauth/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(privateKey);
}
