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

/**
 * Checks a username and password with failure counting and lockout. Unknown, disabled and wrong
 * passwords look the same and cost one argon2id verification each; "locked" is told only to someone
 * who gave the right password.
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
      return { ok: false, reason: 'invalid' };
    }
    const now = Date.now();
    const passwordMatches = await this.hasher.verify(user.passwordHash, password);
    if (isLocked(user, now)) return { ok: false, reason: passwordMatches ? 'locked' : 'invalid' };
    if (!passwordMatches) {
      await this.recordFailure(user, now);
      return { ok: false, reason: 'invalid' };
    }
    if (!user.enabled) return { ok: false, reason: 'invalid' };
    if (user.failedAttempts > 0 || user.lockedUntil !== null) {
      await this.repository.recordSignIn(user.id, { failedAttempts: 0, firstFailedAt: null, lockedUntil: null });
    }
    return { ok: true, user };
  }

  private async recordFailure(user: User, now: number): Promise<void> {
    const policy = this.policy();
    const windowOpen = user.firstFailedAt !== null && now - user.firstFailedAt < policy.windowSeconds * 1000;
    const failedAttempts = windowOpen ? user.failedAttempts + 1 : 1;
    const firstFailedAt = windowOpen ? user.firstFailedAt : now;
    if (failedAttempts >= policy.threshold) {
      await this.repository.recordSignIn(user.id, { failedAttempts: 0, firstFailedAt: null, lockedUntil: now + policy.lockSeconds * 1000 });
    } else {
      await this.repository.recordSignIn(user.id, { failedAttempts, firstFailedAt, lockedUntil: null });
    }
  }
}
