import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 9068 §4, RFC 8725 §3.9: a token meant for another resource is refused by resources that are not its
// audience. Introspection is audience-neutral (RFC 7662): it reports the token active with its aud, and the
// middleware in introspection mode refuses it for the wrong aud.
describe('attack: wrong audience', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses, at every resource, tokens for another audience', async () => {
    for (const aud of ['https://other-service.example', ['https://a.example', 'https://b.example']]) {
      const verdicts = await targets.verdicts(await targets.signAsGatehouse({}, { aud }));
      for (const verdict of [verdicts.guard, verdicts.jwksMiddleware, verdicts.introspectionMiddleware]) {
        expect(verdict.status).toBe(401);
        expect(verdict.wwwAuthenticate).toMatch(/error="invalid_token"/);
      }
      expect(verdicts.introspection).toMatchObject({ status: 200, active: true, aud });
    }
  });

  it('refuses access tokens with no audience at all', async () => {
    const verdicts = await targets.verdicts(await targets.signAsGatehouse({}, { aud: undefined }));
    expect([verdicts.guard.status, verdicts.jwksMiddleware.status, verdicts.introspectionMiddleware.status]).toEqual([401, 401, 401]);
  });

  it('refuses client assertions for another audience', async () => {
    for (const aud of ['https://other-as.example/oauth/token', `${targets.gatehouse.url}/oauth/introspect`]) {
      const description = await targets.expectAssertionRefused(await targets.clientAssertion({ claims: { aud } }));
      expect(description).toMatch(/aud/);
    }
  });
});
