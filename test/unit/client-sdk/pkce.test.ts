import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeChallengeS256, createCodeVerifier } from '../../../src/client-sdk/pkce.js';

describe('PKCE (RFC 7636)', () => {
  it('makes verifiers of 43 to 128 unreserved characters, different every time', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => createCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(createCodeVerifier(128)).toMatch(/^[A-Za-z0-9\-._~]{128}$/);
    expect(createCodeVerifier(64)).toHaveLength(64);
    for (const length of [42, 129, 50.5]) expect(() => createCodeVerifier(length)).toThrow(RangeError);
  });

  it('computes the S256 challenge: the RFC 7636 Appendix B example, and any verifier as SHA-256 base64url', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const verifier = createCodeVerifier(100);
    expect(await codeChallengeS256(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
    await expect(codeChallengeS256('too-short')).rejects.toThrow(RangeError);
    await expect(codeChallengeS256(`${'a'.repeat(43)} `)).rejects.toThrow(RangeError);
  });
});
