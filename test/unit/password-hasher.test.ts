import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/users/password-hasher.js';

/** Runs `work` and counts how many event-loop turns happen before it settles. */
async function loopTurnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), turns };
  } finally {
    running = false;
  }
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id and never keeps the password in the hash', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain('correct horse battery');
    expect(await hasher.verify(hash, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(hash, 'wrong horse battery')).toBe(false);
    expect(await hasher.verify('not a hash', 'correct horse battery')).toBe(false);
  });

  it('hashes and verifies off the main thread: the event loop keeps turning meanwhile', async () => {
    const hashed = await loopTurnsDuring(() => hasher.hash('a password to hash'));
    expect(hashed.turns).toBeGreaterThan(0);
    const verified = await loopTurnsDuring(() => hasher.verify(hashed.result, 'a password to hash'));
    expect(verified.result).toBe(true);
    expect(verified.turns).toBeGreaterThan(0);
    const nothing = await loopTurnsDuring(() => hasher.verifyNothing('a password to hash'));
    expect(nothing.result).toBe(false);
    expect(nothing.turns).toBeGreaterThan(0);
  });
});
