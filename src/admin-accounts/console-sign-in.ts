import { addressKey } from '../limits/address-key.js';
import type { AttemptLimiter, AttemptRule } from '../users/attempt-limiter.js';
import { usernameKey } from '../users/user.js';
import type { AdminAccount } from './admin-account.js';
import type { AdminAccounts } from './admin-accounts.js';

const FIFTEEN_MINUTES = 15 * 60_000;

/** Console sign-ins allowed per source address and per username within 15 minutes (failures only). */
export interface ConsoleSignInLimits {
  perAddress: number;
  perUsername: number;
}

/**
 * Console sign-in with its throttle: every attempt is counted per source address (IPv6 by /64) and per
 * username when it arrives, before the password is checked, in counters shared by every instance; beyond
 * either limit the attempt is refused (TooManyAttempts) without any hashing. A successful sign-in gives its
 * slots back, so successes never slow an administrator down; only failures spend the budget.
 */
export class ConsoleSignIn {
  private readonly byAddress: AttemptRule;
  private readonly byUsername: AttemptRule;

  constructor(
    private readonly admins: AdminAccounts,
    private readonly limiter: AttemptLimiter,
    limits: () => ConsoleSignInLimits,
  ) {
    this.byAddress = { name: 'console-address', max: () => limits().perAddress, windowMs: () => FIFTEEN_MINUTES, successGivesBack: true };
    this.byUsername = { name: 'console-username', max: () => limits().perUsername, windowMs: () => FIFTEEN_MINUTES, successGivesBack: true };
  }

  /** The administrator, or undefined for a wrong username or password; throws TooManyAttempts beyond a limit. */
  async verify(username: string, password: string, sourceAddress: string): Promise<AdminAccount | undefined> {
    const reservation = await this.limiter.reserve([
      { rule: this.byAddress, value: addressKey(sourceAddress) },
      { rule: this.byUsername, value: usernameKey(username) },
    ]);
    const admin = await this.admins.verify(username, password);
    if (admin) await reservation.succeeded();
    return admin;
  }
}
