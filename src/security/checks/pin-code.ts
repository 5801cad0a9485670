import { defineSecurityCheck, failure, challenge, success, type SecurityCheck } from '../security-check.js';

export interface PinCodeOptions {
  /** Wrong PINs in a row that block the check. */
  maxAttempts: number;
  /** Seconds the check stays blocked. */
  blockSeconds: number;
  /** Seconds a correct PIN holds. */
  successLifetime: number;
  /** Constant-time comparison of an answer with the client's stored PIN; false when it has none. */
  pinMatches: (clientId: string, pin: string) => boolean;
  hasPin: (clientId: string) => boolean;
}

/**
 * `PinCode`: the client answers the PIN an administrator set for it. Challenge `{"remainingAttempts": n}`; a wrong
 * PIN is challenged again with one attempt fewer, the last one blocks the check for the block time.
 */
export function pinCodeCheck(options: PinCodeOptions): SecurityCheck<string> {
  return defineSecurityCheck<string>({
    name: 'PinCode',
    successLifetime: options.successLifetime,
    page: {
      fields: [{ name: 'pin', label: 'field.pin', type: 'password', inputMode: 'numeric', autocomplete: 'one-time-code', required: true }],
      answer: (values) => values.pin ?? '',
    },
    evaluate({ client, answer, state, now }) {
      if (!options.hasPin(client.clientId)) return failure('no PIN is set for this client; ask the administrator to set one');
      const remaining = options.maxAttempts - state.failedAttempts;
      if (answer === undefined) return challenge({ remainingAttempts: remaining });
      if (typeof answer === 'string' && options.pinMatches(client.clientId, answer)) return success();
      const failedAttempts = state.failedAttempts + 1;
      if (failedAttempts >= options.maxAttempts) {
        return failure(`wrong PIN ${options.maxAttempts} times; the PIN check is blocked`, { blockedUntil: now + options.blockSeconds * 1000 });
      }
      return challenge({ remainingAttempts: options.maxAttempts - failedAttempts, errorMsg: 'wrong PIN' }, { failedAttempts });
    },
  });
}
