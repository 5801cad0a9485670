import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsOf, startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 8725 §3.10: a kid is untrusted input. Path traversal, SQL and oversized kids must only ever be
// compared, never used to read a file or build a query; the store must stay intact afterwards.
const HOSTILE_KIDS = ['../../../../dev/null', '/etc/passwd', '..\\..\\windows\\win.ini', "' OR '1'='1", "x'; DROP TABLE signing_keys; --", 'kid\u0000null', '%2e%2e%2f%2e%2e%2f', 'k'.repeat(4000)];

describe('attack: kid with path or SQL characters', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses access tokens with hostile kids and keeps serving genuine tokens', async () => {
    const { header, payload } = partsOf(await targets.validToken());
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    // An HMAC over an empty key is what a verifier reading /dev/null as the key would accept.
    for (const kid of HOSTILE_KIDS) {
      await targets.expectAccessTokenRefused(await new SignJWT(payload).setProtectedHeader({ ...header, alg: String(header.alg), kid }).sign(attacker));
      await targets.expectAccessTokenRefused(await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'HS256', kid }).sign(new Uint8Array(32)));
    }
    await targets.expectAccessTokenAccepted(await targets.validToken());
    const keys = (await (await targets.gatehouse.admin('GET', '/keys')).json()) as { keys: unknown[] };
    expect(keys.keys.length).toBeGreaterThan(0);
  });

  it('refuses client assertions with hostile kids', async () => {
    for (const kid of HOSTILE_KIDS) {
      const description = await targets.expectAssertionRefused(await targets.clientAssertion({ header: { kid } }));
      expect(description).toMatch(/key the client does not have/);
    }
  });
});
