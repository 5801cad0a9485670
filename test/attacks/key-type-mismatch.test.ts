import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsOf, startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 8725 §3.1: the key decides the algorithm. A header naming another family than the key's (RS or PS
// on an EC key, EdDSA on an EC key) is refused, whatever key actually made the signature.
describe('attack: algorithm and key type mismatch', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  const attackerKeys = {
    RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    EdDSA: generateKeyPairSync('ed25519').privateKey,
    ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
  };

  it('refuses access tokens whose header names another algorithm than the (ES256) key it names', async () => {
    const { header, payload } = partsOf(await targets.validToken());
    expect(header.alg).toBe('ES256');
    for (const [alg, key] of Object.entries(attackerKeys)) {
      const forged = await new SignJWT(payload).setProtectedHeader({ ...header, alg }).sign(key);
      await targets.expectAccessTokenRefused(forged);
    }
  });

  it('refuses client assertions signed with another key type under the registered kid', async () => {
    for (const [alg, key] of Object.entries(attackerKeys)) {
      if (alg === 'ES384') continue; // not an algorithm Gatehouse accepts at all; covered below
      const description = await targets.expectAssertionRefused(await targets.clientAssertion({ header: { alg }, key }));
      expect(description).toMatch(new RegExp(`does not sign with ${alg}`));
    }
    const description = await targets.expectAssertionRefused(await targets.clientAssertion({ header: { alg: 'ES384' }, key: attackerKeys.ES384 }));
    expect(description).toMatch(/alg must be one of/);
  });
});
