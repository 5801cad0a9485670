import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsOf, startAttackTargets, type AttackTargets } from './attack-targets.js';

// A kid Gatehouse never published: the token must be refused, not verified against some other key.
describe('attack: unknown kid', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses access tokens naming an unpublished key, or no key, signed by the attacker', async () => {
    const { header, payload } = partsOf(await targets.validToken());
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const { kid: _kid, ...noKid } = header;
    for (const protectedHeader of [{ ...header, kid: 'attacker-key' }, noKid, { ...header, kid: '' }]) {
      await targets.expectAccessTokenRefused(await new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(attacker));
    }
  });

  it('refuses a genuine signature presented under another kid', async () => {
    const genuine = await targets.validToken();
    const [, payloadPart, signature] = genuine.split('.');
    const { header } = partsOf(genuine);
    const renamed = Buffer.from(JSON.stringify({ ...header, kid: `${String(header.kid)}-other` })).toString('base64url');
    await targets.expectAccessTokenRefused(`${renamed}.${payloadPart}.${signature}`);
  });

  it('refuses client assertions naming a key the client does not have', async () => {
    const description = await targets.expectAssertionRefused(await targets.clientAssertion({ header: { kid: 'not-registered' } }));
    expect(description).toMatch(/key the client does not have/);
  });
});
