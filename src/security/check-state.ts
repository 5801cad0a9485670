import type { CheckOutcome } from './security-check.js';

/** What is remembered of a check per client (the store adds its name and a version). */
export interface CheckStateRecord {
  /** Epoch ms until which an earlier success holds; null when none does. */
  passedUntil: number | null;
  /** Wrong answers since the last success or block. */
  failedAttempts: number;
  /** Epoch ms until which the check refuses at once; null when not blocked. */
  blockedUntil: number | null;
}

/**
 * The state to store after a check's outcome: a pure function of the old state and the outcome.
 * - success: passed until now + the outcome's lifetime (else the check's), attempts and block cleared;
 * - failure with `blockedUntil`: blocked, and a fresh count of attempts for when the block ends;
 * - any other challenge or failure: the attempts the outcome reports (else the old count), the old block kept.
 */
export function nextCheckState<State extends CheckStateRecord>(old: State, outcome: CheckOutcome, options: { now: number; successLifetime: number }): State {
  if (outcome.kind === 'success') {
    return { ...old, passedUntil: options.now + (outcome.lifetime ?? options.successLifetime) * 1000, failedAttempts: 0, blockedUntil: null };
  }
  if (outcome.kind === 'failure' && outcome.blockedUntil !== undefined) return { ...old, failedAttempts: 0, blockedUntil: outcome.blockedUntil };
  return { ...old, failedAttempts: attemptCount(outcome.failedAttempts ?? old.failedAttempts), blockedUntil: old.blockedUntil };
}

/** Whether two states remember the same (nothing to write when they do). */
export function sameCheckState(a: CheckStateRecord, b: CheckStateRecord): boolean {
  return a.passedUntil === b.passedUntil && a.failedAttempts === b.failedAttempts && a.blockedUntil === b.blockedUntil;
}

/** A whole, non-negative count; anything else (a custom check's NaN, a string) counts as 0. */
function attemptCount(value: unknown): number {
  return typeof value === 'number' ? Math.max(0, Math.trunc(value)) || 0 : 0;
}
