import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 9068 §4 and RFC 8725 §3.11: access tokens are explicitly typed `at+jwt`. A JWT of another kind (an
// ID-token-like JWT, a client assertion) is never accepted as an access token, even when its signature is
// good, and an access token is never accepted as a client assertion.
describe('attack: wrong typ (token kinds confused)', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses JWTs signed by Gatehouse’s key that are not typed at+jwt', async () => {
    for (const typ of ['JWT', 'jwt', 'JOSE', 'id_token+jwt', 'client-authentication+jwt', 'at+jwt-not', undefined]) {
      await targets.expectAccessTokenRefused(await targets.signAsGatehouse({ typ }));
    }
    // An ID-token-like JWT: same issuer and key, nonce and auth_time, typ JWT.
    await targets.expectAccessTokenRefused(await targets.signAsGatehouse({ typ: 'JWT' }, { nonce: 'n-0S6_WzA2Mj', auth_time: Math.floor(Date.now() / 1000) }));
  });

  it('refuses a client assertion used as an access token, even one typed at+jwt', async () => {
    await targets.expectAccessTokenRefused(await targets.clientAssertion());
    await targets.expectAccessTokenRefused(await targets.clientAssertion({ header: { typ: 'at+jwt' }, claims: { client_id: targets.keyClient.clientId, scope: 'users', aud: targets.gatehouse.url } }));
  });

  it('refuses an access token used as a client assertion', async () => {
    const description = await targets.expectAssertionRefused(await targets.validToken());
    expect(description).toMatch(/typ at\+jwt marks another kind/);
  });

  it('refuses a client-signed JWT that declares another kind (typ at+jwt) as a client assertion', async () => {
    for (const typ of ['at+jwt', 'application/at+jwt', 'id_token+jwt']) {
      const description = await targets.expectAssertionRefused(await targets.clientAssertion({ header: { typ } }));
      expect(description).toMatch(/typ/);
    }
  });

  it('accepts client assertions typed JWT or client-authentication+jwt, or untyped', async () => {
    for (const typ of ['JWT', 'client-authentication+jwt', 'application/client-authentication+jwt', undefined]) {
      const response = await fetch(`${targets.gatehouse.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await targets.clientAssertion({ header: { typ } }),
        }),
      });
      expect({ typ, status: response.status }).toEqual({ typ, status: 200 });
    }
  });
});
