import { createHash } from 'node:crypto';
import { overLimitWait } from '../limits/fixed-window.js';
import type { AttemptCounters } from './attempt-counters.js';

/** How many attempts one kind of key may make per window. */
export interface AttemptRule {
  /** Names the kind of key (`password-user`, `console-address`, ...): counters of different rules never mix. */
  name: string;
  /** Attempts per window; 0 turns the rule off (nothing is counted). */
  max: () => number;
  windowMs: () => number;
  /** A successful attempt gives its slot back, so that only failures use the budget. */
  successGivesBack: boolean;
}

/** The limit of a rule was reached: the attempt was refused before any work. */
export class TooManyAttempts extends Error {
  override name = 'TooManyAttempts';
  constructor(
    /** The rule that refused. */
    readonly rule: string,
    readonly retryAfterMs: number,
  ) {
    super(`too many attempts (${rule}); retry in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`);
  }
}

/** Attempts counted by `reserve`: report how the guarded work ended. */
export interface AttemptReservation {
  /** The attempt succeeded: rules whose successes do not count give their slot back. */
  succeeded(): Promise<void>;
}

/** The counter key of a rule and a value (a username, an address, a client id): a fixed-length digest, whatever the value holds. */
export function attemptKey(rule: string, value: string): string {
  return `${rule}:${createHash('sha256').update(value).digest('base64url')}`;
}

/**
 * Counts attempts when they arrive, before the work they guard (a password check), in counters shared by
 * every instance. However many attempts arrive at once, at most `max` per key and window get through:
 * each one is counted in one atomic step and only those whose count is within the limit proceed.
 */
export class AttemptLimiter {
  constructor(
    private counters: AttemptCounters,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts from now on in other counters (Redis, once it is connected). */
  countIn(counters: AttemptCounters): void {
    this.counters = counters;
  }

  /** Forgets a key's attempts (a user's lockout was lifted or the password reset). */
  async forget(rule: AttemptRule, value: string): Promise<void> {
    await this.counters.clear(attemptKey(rule.name, value));
  }

  /**
   * Counts one attempt under every (rule, value) in order; throws TooManyAttempts at the first that is over
   * its limit, without counting the later ones (so that an address over its budget does not spend a
   * user's). Rules whose max is 0 are skipped.
   */
  async reserve(entries: readonly { rule: AttemptRule; value: string }[]): Promise<AttemptReservation> {
    const counted: string[] = [];
    for (const { rule, value } of entries) {
      const max = rule.max();
      if (max <= 0) continue;
      const now = this.clock();
      const key = attemptKey(rule.name, value);
      const waitMs = overLimitWait(await this.counters.add(key, rule.windowMs(), now), max, now);
      if (waitMs !== undefined) throw new TooManyAttempts(rule.name, waitMs);
      if (rule.successGivesBack) counted.push(key);
    }
    return {
      succeeded: async () => {
        const now = this.clock();
        for (const key of counted) await this.counters.giveBack(key, now);
      },
    };
  }
}
