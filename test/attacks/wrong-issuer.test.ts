import { generateKeyPairSync } from 'node:crypto';
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

  it('tells that a client is disabled only to a caller who proved its key', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect((await targets.gatehouse.admin('PATCH', `/clients/${targets.keyClient.clientId}`, { enabled: false })).status).toBe(200);
    try {
      const forged = await targets.expectAssertionRefused(await targets.clientAssertion({ key: attacker }));
      expect(forged).not.toMatch(/disabled/);
      const genuine = await targets.expectAssertionRefused(await targets.clientAssertion());
      expect(genuine).toMatch(/disabled/);
    } finally {
      expect((await targets.gatehouse.admin('PATCH', `/clients/${targets.keyClient.clientId}`, { enabled: true })).status).toBe(200);
    }
  });
});
