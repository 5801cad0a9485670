import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// Tokens far larger than any Gatehouse issues are refused cheaply: by the 8 KiB limit of the verifier
// (as invalid_token), or by Node's 16 KiB header limit (431) before any parsing; never a 5xx or a hang.
describe('attack: oversized tokens', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses a token padded with a huge claim, signed with Gatehouse’s key', async () => {
    await targets.expectAccessTokenRefused(await targets.signAsGatehouse({}, { padding: 'x'.repeat(9_000) }));
  });

  it('answers 431 or 401 to a header beyond 16 KiB, and keeps serving', async () => {
    const huge = await targets.signAsGatehouse({}, { padding: 'x'.repeat(40_000) });
    for (const url of [`${targets.gatehouse.url}/api/users`]) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${huge}` } });
      expect([401, 431]).toContain(response.status);
    }
    const introspected = await fetch(`${targets.gatehouse.url}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${targets.client.client_id}:${targets.client.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: huge }),
    });
    expect(introspected.status).toBe(200);
    expect(await introspected.json()).toEqual({ active: false });
    const verdicts = await targets.verdicts(await targets.validToken());
    expect(verdicts.guard.status).toBe(200);
  });

  it('refuses an oversized client assertion, and a form body beyond the endpoint limit with 413', async () => {
    const description = await targets.expectAssertionRefused(await targets.clientAssertion({ claims: { padding: 'x'.repeat(9_000) } }));
    expect(description).toMatch(/too large/);
    const response = await fetch(`${targets.gatehouse.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await targets.clientAssertion({ claims: { padding: 'x'.repeat(200_000) } }),
      }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
