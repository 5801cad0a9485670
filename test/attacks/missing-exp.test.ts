import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 9068 §2.2: exp is required. A token without it would never expire.
describe('attack: missing exp', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses access tokens without exp, or with a non-numeric exp', async () => {
    for (const exp of [undefined, null, 'never', '9999999999']) {
      await targets.expectAccessTokenRefused(await targets.signAsGatehouse({}, { exp: exp as number | undefined }));
    }
  });

  it('refuses client assertions without exp', async () => {
    const description = await targets.expectAssertionRefused(await targets.clientAssertion({ claims: { exp: undefined } }));
    expect(description).toMatch(/exp/);
  });
});
