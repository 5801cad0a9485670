import { FieldValidationError } from '../shared/errors.js';

/**
 * What the keyed digest of a PIN covers: the client id and the PIN, so two clients with the same PIN have
 * different digests. PINs are low-entropy; an HMAC under a key derived from the master secret (not stored in the
 * database) keeps a stolen database from revealing them, where a plain argon2id hash of a 4-digit PIN would fall
 * to 10,000 guesses. Comparing is constant-time and costs microseconds on the token path.
 */
export function pinDigestInput(clientId: string, pin: string): string {
  return `pin:${clientId}:${pin}`;
}

export function parsePin(value: unknown): string {
  if (typeof value !== 'string' || !/^[\x21-\x7E]{4,64}$/.test(value)) {
    throw new FieldValidationError('pin', 'must be 4 to 64 visible ASCII characters (digits, typically)');
  }
  return value;
}
