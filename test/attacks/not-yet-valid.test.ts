import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 7519 §4.1.5: a JWT whose nbf lies in the future is not valid yet.
describe('attack: nbf in the future', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses access tokens not valid before a minute or a day from now', async () => {
    for (const nbf of [now() + 60, now() + 86_400]) {
      await targets.expectAccessTokenRefused(await targets.signAsGatehouse({}, { nbf, exp: nbf + 300 }));
    }
  });

  it('refuses the same token again after it was refused (no cache lets it through)', async () => {
    const token = await targets.signAsGatehouse({}, { nbf: now() + 120, exp: now() + 600 });
    await targets.expectAccessTokenRefused(token);
    await targets.expectAccessTokenRefused(token);
  });

  it('refuses client assertions not valid yet', async () => {
    const description = await targets.expectAssertionRefused(await targets.clientAssertion({ claims: { nbf: now() + 120, exp: now() + 180 } }));
    expect(description).toMatch(/nbf/);
  });
});
