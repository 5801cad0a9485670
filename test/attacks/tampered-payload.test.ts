import { afterAll, beforeAll, describe, it } from 'vitest';
import { forge, partsOf, startAttackTargets, type AttackTargets } from './attack-targets.js';

// A genuine signature over a changed payload or header: scope widened, subject or client swapped, lifetime
// stretched, or a single bit flipped in the signature. All refused.
describe('attack: tampered payload', () => {
  let targets: AttackTargets;
  beforeAll(async () => {
    targets = await startAttackTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('refuses a genuine token whose claims were changed after signing, also once the genuine one is in the verified-token cache', async () => {
    const genuine = await targets.validToken();
    // Verified and cached first: the cache finds tokens by their signature, and these forgeries carry it.
    await targets.expectAccessTokenAccepted(genuine);
    const { header, payload, signature } = partsOf(genuine);
    const changes: Record<string, unknown>[] = [
      { scope: 'users commands admin' },
      { sub: 'someone-else' },
      { client_id: 'another-client' },
      { exp: Number(payload.exp) + 86_400 },
      { jti: 'another-jti' },
    ];
    for (const change of changes) await targets.expectAccessTokenRefused(forge(header, { ...payload, ...change }, signature));
    await targets.expectAccessTokenRefused(forge({ ...header, typ: 'at+jwt', cty: 'JWT' }, payload, signature));
    // The forgeries neither replaced nor evicted the genuine token.
    await targets.expectAccessTokenAccepted(genuine);
  });

  it('refuses a genuine token with a flipped signature bit, a truncated or a missing signature', async () => {
    const genuine = await targets.validToken();
    const [headerPart, payloadPart, signature = ''] = genuine.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    for (const forged of [
      `${headerPart}.${payloadPart}.${bytes.toString('base64url')}`,
      `${headerPart}.${payloadPart}.${signature.slice(0, -4)}`,
      `${headerPart}.${payloadPart}.`,
      `${headerPart}.${payloadPart}`,
    ]) {
      await targets.expectAccessTokenRefused(forged);
    }
  });

  it('refuses a client assertion whose claims were changed after signing', async () => {
    const { header, payload, signature } = partsOf(await targets.clientAssertion());
    await targets.expectAssertionRefused(forge(header, { ...payload, exp: Number(payload.exp) + 30 }, signature));
    await targets.expectAssertionRefused(forge(header, { ...payload, jti: 'replayable' }, signature));
  });
});
