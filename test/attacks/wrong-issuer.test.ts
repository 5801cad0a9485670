import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 9068 §4: the iss of an access token must be exactly the issuer, even when the signature is good.
describe('attack: wrong issuer', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses access tokens from another, a look-alike or no issuer', async () => {
    const issuer = targets.gatehouse.url;
    for (const iss of ['https://evil.example', `${issuer}/`, `${issuer}.evil.example`, issuer.toUpperCase(), '', undefined]) {
      await targets.expectAccessTokenRefused(await targets.signAsGatehouse({}, { iss }));
    }
  });

  it('refuses client assertions whose iss is another client than sub and the key', async () => {
    const other = await targets.gatehouse.createClient({ client_name: 'other' });
    await targets.expectAssertionRefused(await targets.clientAssertion({ claims: { iss: other.client_id } }));
    const description = await targets.expectAssertionRefused(await targets.clientAssertion({ claims: { iss: 'no-such-client' } }));
    expect(description).toMatch(/unknown client/);
  });
});
