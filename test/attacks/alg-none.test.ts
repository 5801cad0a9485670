import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forge, partsOf, startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 8725 §2.1, §3.1: an unsigned JWT (`alg: none`) must never be accepted.
describe('attack: alg none', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses a genuine access token re-sent unsigned, with and without a signature part', async () => {
    const { header, payload } = partsOf(await targets.validToken());
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await targets.expectAccessTokenRefused(forge({ ...header, alg }, payload, ''));
      await targets.expectAccessTokenRefused(forge({ ...header, alg }, payload, 'AAAA'));
    }
    const { kid: _kid, ...withoutKid } = header;
    await targets.expectAccessTokenRefused(forge({ ...withoutKid, alg: 'none' }, payload, ''));
  });

  it('refuses an unsigned client assertion', async () => {
    const { header, payload } = partsOf(await targets.clientAssertion());
    const description = await targets.expectAssertionRefused(forge({ ...header, alg: 'none' }, payload, ''));
    expect(description).toMatch(/alg/);
  });
});
