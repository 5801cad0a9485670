import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAttackTargets, type AttackTargets } from './attack-targets.js';

// A signing key that was rotated out stays published only while tokens it signed can still be valid
// (the longest token lifetime plus 5 minutes). After that window, a token made with it (say, with a key
// stolen from an old backup, with a far exp) is refused everywhere. The clock is moved forward; the servers
// run in this process and read it.
const MAX_TOKEN_LIFETIME = 60;

describe('attack: a token from a retired key after the retention window', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets({ config: { maxTokenLifetime: MAX_TOKEN_LIFETIME } });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await targets.close();
  });

  it('accepts it during the window and refuses it once the window has passed', async () => {
    const gatehouse = targets.gatehouse;
    const retired = gatehouse.gatehouse.keys.signingKeyAt(Date.now());
    const retiredKey = (retired.signer as unknown as { key: KeyObject }).key;
    const rotated = await gatehouse.admin('POST', '/keys/rotate', { activation_delay: 0 });
    expect(rotated.status).toBe(201);
    const forge = () => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ client_id: targets.client.client_id, scope: 'users', jti: randomUUID() })
        .setProtectedHeader({ alg: retired.alg, kid: retired.kid, typ: 'at+jwt' })
        .setIssuer(gatehouse.url)
        .setAudience(gatehouse.url)
        .setSubject(targets.client.client_id)
        .setIssuedAt(now - 10)
        .setExpirationTime(now + 86_400)
        .sign(retiredKey);
    };

    await targets.expectAccessTokenAccepted(await forge());

    // Past the window (60 s + 5 min) and past the middleware's 10-minute JWKS cache.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 11 * 60_000);
    const jwks = (await (await fetch(`${gatehouse.url}/oauth/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(retired.kid);
    const keys = (await (await gatehouse.admin('GET', '/keys')).json()) as { keys: { kid: string; state: string }[] };
    expect(keys.keys.find((key) => key.kid === retired.kid)?.state).toBe('expired');
    await targets.expectAccessTokenRefused(await forge());
    // Genuine tokens, signed by the new key, still pass.
    await targets.expectAccessTokenAccepted(await targets.validToken());
  });
});
