import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsOf, startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 8725 §2.1 (algorithm confusion): a verifier that lets the token pick HS256 would check an HMAC
// keyed with the public key, which everyone has. Every encoding of the public key is tried as the secret.
function secretsFrom(jwk: JsonWebKey): Uint8Array[] {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  const der = key.export({ type: 'spki', format: 'der' });
  return [Buffer.from(pem), Buffer.from(pem.trim()), der, Buffer.from(JSON.stringify(jwk))];
}

describe('attack: HS256 signed with the public key', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses access tokens MACed with the published signing key', async () => {
    const { header, payload } = partsOf(await targets.validToken());
    const jwks = (await (await fetch(`${targets.gatehouse.url}/oauth/jwks`)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const published = jwks.keys.find((key) => key.kid === header.kid);
    expect(published).toBeDefined();
    for (const secret of secretsFrom(published as JsonWebKey)) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const forged = await new SignJWT(payload).setProtectedHeader({ ...header, alg }).sign(secret);
        await targets.expectAccessTokenRefused(forged);
      }
    }
  });

  it('refuses client assertions MACed with the client’s registered public key', async () => {
    const jwks = (await (await targets.gatehouse.admin('GET', `/clients/${targets.keyClient.clientId}/keys`)).json()) as { keys: JsonWebKey[] };
    expect(jwks.keys).toHaveLength(1);
    for (const secret of secretsFrom(jwks.keys[0] as JsonWebKey)) {
      const description = await targets.expectAssertionRefused(await targets.clientAssertion({ header: { alg: 'HS256' }, key: secret }));
      expect(description).toMatch(/alg/);
    }
  });
});
