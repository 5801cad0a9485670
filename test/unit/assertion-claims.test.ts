import { describe, expect, it, vi } from 'vitest';
import { AssertionClaims, MAX_CLAIMS_PER_STATEMENT } from '../../src/oauth/client-auth/assertion-claims.js';
import { usedAssertionKey, type UsedAssertionClaim } from '../../src/store/used-assertions-repository.js';

/** A store of claimed ids in memory that records each group it is given. */
function memoryRepository() {
  const stored = new Set<string>();
  const groups: UsedAssertionClaim[][] = [];
  return {
    stored,
    groups,
    claimMany: vi.fn(async (claims: readonly UsedAssertionClaim[]) => {
      groups.push([...claims]);
      const inserted = new Set<string>();
      for (const claim of claims) {
        const key = usedAssertionKey(claim.clientId, claim.jti);
        if (!stored.has(key)) {
          stored.add(key);
          inserted.add(key);
        }
      }
      return inserted;
    }),
  };
}

describe('AssertionClaims', () => {
  it('writes the claims of one turn of the event loop as one group, each answered after the write', async () => {
    const repository = memoryRepository();
    const claims = new AssertionClaims(repository);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => claims.claim('client', `jti-${i}`, 1)));
    expect(answers).toEqual(Array(50).fill(true));
    expect(repository.claimMany).toHaveBeenCalledTimes(1);
    expect(repository.groups[0]).toHaveLength(50);
    // A later turn is a new group, and a replay of an earlier id is refused.
    expect(await claims.claim('client', 'jti-3', 1)).toBe(false);
    expect(await claims.claim('client', 'jti-50', 1)).toBe(true);
    expect(repository.claimMany).toHaveBeenCalledTimes(3);
  });

  it('splits a large group into statements of at most MAX_CLAIMS_PER_STATEMENT claims', async () => {
    const repository = memoryRepository();
    const claims = new AssertionClaims(repository);
    const count = MAX_CLAIMS_PER_STATEMENT * 2 + 5;
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => claims.claim('client', `jti-${i}`, 1)));
    expect(answers.every((answer) => answer)).toBe(true);
    expect(repository.groups.map((group) => group.length)).toEqual([MAX_CLAIMS_PER_STATEMENT, MAX_CLAIMS_PER_STATEMENT, 5]);
  });

  it('lets only the first of two equal claims in one group win, and keeps clients apart', async () => {
    const repository = memoryRepository();
    const claims = new AssertionClaims(repository);
    const answers = await Promise.all([claims.claim('a', 'same', 1), claims.claim('a', 'same', 1), claims.claim('b', 'same', 1), claims.claim('a', 'same', 1)]);
    expect(answers).toEqual([true, false, true, false]);
    expect(repository.groups[0]).toHaveLength(2);
  });

  it('rejects every claim of a group the store refused, and the next group is written again', async () => {
    const repository = memoryRepository();
    repository.claimMany.mockRejectedValueOnce(new Error('store down'));
    const logger = { error: vi.fn() };
    const claims = new AssertionClaims(repository, logger);
    const results = await Promise.allSettled([claims.claim('a', '1', 1), claims.claim('a', '2', 1)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(await claims.claim('a', '1', 1)).toBe(true);
  });
});
