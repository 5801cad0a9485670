import type { UsersStore } from './users-store.js';
import { addressKey } from '../limits/address-key.js';
import { TooManyAttempts, type AttemptLimiter, type AttemptRule } from './attempt-limiter.js';
import type { PasswordHasher } from './password-hasher.js';
import { usernameKey, type User } from './user.js';

export interface LockoutPolicy {
  /** Failures within the window that lock the account. */
  threshold: number;
  windowSeconds: number;
  lockSeconds: number;
}

/** Password checks per minute per source address and per client (GATEHOUSE_PASSWORD_RATE_LIMIT_*); 0: not limited. */
export interface PasswordCheckRates {
  perAddress: number;
  perClient: number;
}

/** Where a password check comes from: the request's source address and the (authenticated) client. */
export interface SignInOrigin {
  sourceAddress: string;
  clientId: string;
}

export type SignInResult = { ok: true; user: User } | { ok: false };

const INVALID: SignInResult = { ok: false };
const MINUTE = 60_000;

/**
 * The one guard of every check of a user's password (the password grant, the UserLogin security check, any
 * sign-in page): each attempt is counted when it arrives, before argon2id runs, per source address (IPv6 by
 * /64) and per client (per minute, GATEHOUSE_PASSWORD_RATE_LIMIT_*) and per username (the lockout: at most
 * GATEHOUSE_LOCKOUT_THRESHOLD checks within GATEHOUSE_LOCKOUT_WINDOW; a success gives its slot back), in
 * counters every instance shares. An attempt beyond a limit, or for a locked user, is refused with
 * TooManyAttempts without any hashing, so neither a burst nor a locked account lets a guess be checked.
 *
 * Unknown, disabled and wrong passwords look the same and cost one argon2id verification each. The
 * lockout itself (locked_until, shown to administrators) is recorded in the user's row as before.
 */
export class PasswordSignIn {
  private readonly byAddress: AttemptRule;
  private readonly byClient: AttemptRule;
  private readonly byUser: AttemptRule;

  constructor(
    private readonly repository: UsersStore,
    private readonly hasher: PasswordHasher,
    private readonly policy: () => LockoutPolicy,
    private readonly limiter: AttemptLimiter,
    rates: () => PasswordCheckRates,
  ) {
    this.byAddress = { name: 'password-address', max: () => rates().perAddress, windowMs: () => MINUTE, successGivesBack: false };
    this.byClient = { name: 'password-client', max: () => rates().perClient, windowMs: () => MINUTE, successGivesBack: false };
    this.byUser = { name: 'password-user', max: () => policy().threshold, windowMs: () => policy().windowSeconds * 1000, successGivesBack: true };
  }

  /** Checks a username and password; throws TooManyAttempts (before any hashing) beyond a limit or for a locked user. */
  async check(username: string, password: string, origin: SignInOrigin): Promise<SignInResult> {
    const reservation = await this.limiter.reserve([
      { rule: this.byAddress, value: addressKey(origin.sourceAddress) },
      { rule: this.byClient, value: origin.clientId },
      { rule: this.byUser, value: usernameKey(username) },
    ]);
    const user = await this.repository.findByUsername(username);
    if (!user) {
      await this.hasher.verifyNothing(password);
      return INVALID;
    }
    refuseWhileLocked(user.lockedUntil, Date.now());
    const passwordMatches = await this.hasher.verify(user.passwordHash, password);
    const now = Date.now();
    if (!passwordMatches) {
      await this.recordFailure(user.id, now);
      return INVALID;
    }
    if (!user.enabled) return INVALID;
    // Wrong passwords counted while this one was being verified may have locked the account since.
    const state = await this.repository.signInState(user.id);
    if (!state) return INVALID;
    refuseWhileLocked(state.lockedUntil, now);
    if (state.failedAttempts > 0 || state.firstFailedAt !== null || state.lockedUntil !== null) {
      await this.repository.clearFailedSignIns(user.id, now);
    }
    await reservation.succeeded();
    return { ok: true, user };
  }

  /** Forgets the attempts counted for a username (its lockout was lifted, or its password set anew). */
  async forgetAttempts(username: string): Promise<void> {
    await this.limiter.forget(this.byUser, usernameKey(username));
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

/** A locked account is refused like an attempt over the per-user limit: the same answer, whatever the password. */
function refuseWhileLocked(lockedUntil: number | null, now: number): void {
  if (lockedUntil !== null && lockedUntil > now) throw new TooManyAttempts('password-user', lockedUntil - now);
}
