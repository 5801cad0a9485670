import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm } from '../helpers/test-server.js';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 7009: a revoked access token is refused at once by Gatehouse's resources and by introspection, and
// so by the middleware in introspection mode. The middleware in JWKS mode checks signatures locally and
// cannot know of a revocation: it accepts the token until it expires (documented in docs/resource-server.md).
describe('attack: revoked token', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses a revoked token everywhere that can know of the revocation', async () => {
    const token = await targets.validToken();
    // Used once, so the verification caches hold it as valid before it is revoked.
    const before = await targets.verdicts(token);
    expect([before.guard.status, before.introspectionMiddleware.status, before.introspection.active]).toEqual([200, 200, true]);
    const revoked = await postForm(`${targets.gatehouse.url}/oauth/revoke`, { token }, { authorization: basicAuth(targets.client.client_id, targets.client.client_secret) });
    expect(revoked.status).toBe(200);
    const after = await targets.verdicts(token);
    expect(after.guard.status).toBe(401);
    expect(after.guard.wwwAuthenticate).toMatch(/error="invalid_token"/);
    expect(after.introspectionMiddleware.status).toBe(401);
    expect(after.introspection).toMatchObject({ status: 200, active: false });
    expect(after.jwksMiddleware.status).toBe(200);
  });

  it('refuses a token of a client that was disabled or deleted since', async () => {
    const token = await targets.validToken();
    expect((await targets.gatehouse.admin('PATCH', `/clients/${targets.client.client_id}`, { enabled: false })).status).toBe(200);
    const disabled = await targets.verdicts(token);
    expect([disabled.guard.status, disabled.introspectionMiddleware.status, disabled.introspection.active]).toEqual([401, 401, false]);
    expect((await targets.gatehouse.admin('PATCH', `/clients/${targets.client.client_id}`, { enabled: true })).status).toBe(200);
  });
});
