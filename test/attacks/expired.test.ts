import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 7519 §4.1.4: a JWT past its exp is refused (beyond the clock tolerance: 5 s by default
// for Gatehouse's resources and the middleware, 0 for introspection).
describe('attack: expired token', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses access tokens that expired ten seconds, an hour or years ago', async () => {
    for (const exp of [now() - 10, now() - 3600, 1]) {
      await targets.expectAccessTokenRefused(await targets.signAsGatehouse({}, { iat: exp - 300, exp }));
    }
  });

  it('refuses expired client assertions', async () => {
    const description = await targets.expectAssertionRefused(await targets.clientAssertion({ claims: { iat: now() - 120, exp: now() - 60 } }));
    expect(description).toMatch(/exp/);
  });
});
