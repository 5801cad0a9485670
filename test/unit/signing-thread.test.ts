import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SigningThread } from '../../src/keys/signing-thread.js';

function es256Pair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function verifies(publicKey: KeyObject, input: string, signature: string): boolean {
  return verify('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
}

describe('SigningThread', () => {
  let thread: SigningThread;
  afterEach(() => thread.close());

  it('signs what one turn of the event loop asks for, each input with its own key, in order', async () => {
    thread = new SigningThread();
    const first = es256Pair();
    const second = es256Pair();
    const inputs = Array.from({ length: 60 }, (_, n) => `header.payload-${n}`);
    const signatures = await Promise.all(inputs.map((input, n) => thread.sign(n % 2 ? second.privateKey : first.privateKey, 'ES256', input)));
    expect(thread.stats).toEqual({ batches: 1, signatures: 60 });
    signatures.forEach((signature, n) => {
      const [own, other] = n % 2 ? [second, first] : [first, second];
      expect(verifies(own.publicKey, inputs[n]!, signature)).toBe(true);
      expect(verifies(other.publicKey, inputs[n]!, signature)).toBe(false);
      // ECDSA signatures are randomized: no two alike, even for one input.
      expect(signatures.indexOf(signature)).toBe(n);
    });
    // A later turn reuses the thread and the keys it already has.
    const again = await thread.sign(first.privateKey, 'ES256', 'header.again');
    expect(verifies(first.publicKey, 'header.again', again)).toBe(true);
    expect(thread.stats).toEqual({ batches: 2, signatures: 61 });
  });

  it('refuses, with the reason, a key that cannot make the algorithm’s signature; other inputs of the batch are signed', async () => {
    thread = new SigningThread();
    const ec = es256Pair();
    const ed = generateKeyPairSync('ed25519');
    const [bad, good] = await Promise.allSettled([thread.sign(ed.privateKey, 'ES256', 'header.bad'), thread.sign(ec.privateKey, 'ES256', 'header.good')]);
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/^Error: could not sign an access token: /);
    expect(good.status).toBe('fulfilled');
    expect(verifies(ec.publicKey, 'header.good', (good as PromiseFulfilledResult<string>).value)).toBe(true);
  });

  it('finishes the signatures under way when closed, and signs on the thread pool afterwards', async () => {
    thread = new SigningThread();
    const { privateKey, publicKey } = es256Pair();
    await thread.sign(privateKey, 'ES256', 'header.start');
    const pending = Array.from({ length: 20 }, (_, n) => thread.sign(privateKey, 'ES256', `header.pending-${n}`));
    await thread.close();
    const signatures = await Promise.all(pending);
    signatures.forEach((signature, n) => expect(verifies(publicKey, `header.pending-${n}`, signature)).toBe(true));
    const after = await thread.sign(privateKey, 'ES256', 'header.after');
    expect(verifies(publicKey, 'header.after', after)).toBe(true);
  });

  it('signs on the thread pool when its thread cannot start, and stops trying to start one', async () => {
    thread = new SigningThread('no-such-signing-worker');
    const { privateKey, publicKey } = es256Pair();
    const first = await Promise.all(Array.from({ length: 5 }, (_, n) => thread.sign(privateKey, 'ES256', `header.first-${n}`)));
    first.forEach((signature, n) => expect(verifies(publicKey, `header.first-${n}`, signature)).toBe(true));
    const later = await thread.sign(privateKey, 'ES256', 'header.later');
    expect(verifies(publicKey, 'header.later', later)).toBe(true);
    // One batch went to the thread that never started; the later signature did not try again.
    expect(thread.stats).toEqual({ batches: 1, signatures: 5 });
  });
});
