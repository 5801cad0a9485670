import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { TestServer } from './test-server.js';

/**
 * A JWT signed with the test server's own active signing key, shaped like one of its access tokens
 * (iss, aud, sub, client_id, scope, jti, iat, exp) unless `header` or `claims` say otherwise: for tests
 * that must show a check other than the signature refusing a token.
 */
export async function signWithServerKey(server: TestServer, header: { typ?: string }, claims: JWTPayload & { client_id: string }): Promise<string> {
  const key = server.gatehouse.keys.signingKeyAt(Date.now());
  // The signer keeps its private key to itself; a test may reach it.
  const privateKey = (key.signer as unknown as { key: KeyObject }).key;
  const now = Math.floor(Date.now() / 1000);
  const issuer = server.config.issuer;
  const payload = { iss: issuer, aud: issuer, sub: claims.client_id, scope: '', jti: randomUUID(), iat: now - 60, exp: now + 300 };
  return new SignJWT({ ...payload, ...claims }).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(privateKey);
}
