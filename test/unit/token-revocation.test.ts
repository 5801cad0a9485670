import { describe, expect, it } from 'vitest';
import { RevocationList } from '../../src/oauth/revocation-list.js';
import { parseRevocationTarget } from '../../src/oauth/token-revocation.js';
import type { RevocationsRepository } from '../../src/store/revocations-repository.js';
import { FieldValidationError } from '../../src/shared/errors.js';

/** A repository that records nothing and answers one cutoff time. */
function listWithCutoffs(revokedBefore: number): RevocationList {
  const repository = {
    revokeAllOf: () => Promise.resolve({ revokedBefore, refreshTokens: 0 }),
  } as unknown as RevocationsRepository;
  return new RevocationList(repository);
}

describe('revoked-before times of clients and users', () => {
  it('refuses what was issued at or before the cutoff, of that client or that user only', async () => {
    const list = listWithCutoffs(10_500);
    expect(list.revokedByCutoff('app', 'u1', 10_000)).toBe(false);
    await list.revokeAllOf('client', 'app');
    // iat 10 s (10,000 ms) is before 10,500: refused; the same second's later token is too (whole seconds).
    expect(list.revokedByCutoff('app', undefined, 10_000)).toBe(true);
    expect(list.revokedByCutoff('app', undefined, 10_500)).toBe(true);
    expect(list.revokedByCutoff('app', undefined, 11_000)).toBe(false);
    expect(list.revokedByCutoff('other', undefined, 10_000)).toBe(false);
    await list.revokeAllOf('user', 'u1');
    expect(list.revokedByCutoff('other', 'u1', 10_000)).toBe(true);
    expect(list.revokedByCutoff('other', 'u2', 10_000)).toBe(false);
    // A client token has no user: a user named like the client does not count.
    expect(list.revokedByCutoff('u1', undefined, 10_000)).toBe(false);
  });
});

describe('parseRevocationTarget', () => {
  it('takes exactly one of jti, client_id, user_id', () => {
    expect(parseRevocationTarget({ jti: 'j' })).toEqual({ jti: 'j' });
    expect(parseRevocationTarget({ client_id: 'c' })).toEqual({ clientId: 'c' });
    expect(parseRevocationTarget({ user_id: 'alice' })).toEqual({ userId: 'alice' });
    for (const [body, field] of [
      [{}, 'jti'],
      [null, 'jti'],
      [{ jti: 'j', user_id: 'u' }, 'user_id'],
      [{ client_id: ' ' }, 'client_id'],
      [{ jti: 'x'.repeat(257) }, 'jti'],
      [{ user_id: ['a'] }, 'user_id'],
    ] as const) {
      let thrown: unknown;
      try {
        parseRevocationTarget(body);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(body)).toBeInstanceOf(FieldValidationError);
      expect((thrown as FieldValidationError).field).toBe(field);
    }
  });
});
