import type { UsersRepository } from '../store/users-repository.js';
import type { PasswordHasher } from './password-hasher.js';
import { isLocked, type User } from './user.js';

export interface LockoutPolicy {
  /** Failures within the window that lock the account. */
  threshold: number;
  windowSeconds: number;
  lockSeconds: number;
}

export type SignInResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' };

const INVALID: SignInResult = { ok: false, reason: 'invalid' };
const LOCKED: SignInResult = { ok: false, reason: 'locked' };

/**
 * Checks a username and password with failure counting and lockout. Unknown, disabled and wrong
 * passwords look the same and cost one argon2id verification each; "locked" is told only to someone
 * who gave the right password of an enabled user.
 */
export class PasswordSignIn {
  constructor(
    private readonly repository: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: () => LockoutPolicy,
  ) {}

  async check(username: string, password: string): Promise<SignInResult> {
    const user = await this.repository.findByUsername(username);
    if (!user) {
      await this.hasher.verifyNothing(password);
      return INVALID;
    }
    const passwordMatches = await this.hasher.verify(user.passwordHash, password);
    const now = Date.now();
    if (!passwordMatches) {
      if (!isLocked(user, now)) await this.recordFailure(user.id, now);
      return INVALID;
    }
    if (!user.enabled) return INVALID;
    if (isLocked(user, now)) return LOCKED;
    // Wrong passwords counted while this one was being verified may have locked the account since.
    const state = await this.repository.signInState(user.id);
    if (!state) return INVALID;
    if (state.lockedUntil !== null && state.lockedUntil > now) return LOCKED;
    if (state.failedAttempts > 0 || state.firstFailedAt !== null || state.lockedUntil !== null) {
      await this.repository.clearFailedSignIns(user.id, now);
    }
    return { ok: true, user };
  }

  private async recordFailure(userId: string, now: number): Promise<void> {
    const policy = this.policy();
    await this.repository.recordFailedSignIn(userId, {
      now,
      windowStart: now - policy.windowSeconds * 1000,
      threshold: policy.threshold,
      lockedUntil: now + policy.lockSeconds * 1000,
    });
  }
}
