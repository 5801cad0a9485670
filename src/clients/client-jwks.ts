import type { JSONWebKeySet } from 'jose';
import { isRecord } from '../shared/is-record.js';
import { FieldValidationError } from '../shared/errors.js';
import { checkClientJwk } from './client-keys.js';
import { ClientValidationError } from './client-validation-error.js';

/** The `jwks` client metadata value: its keys are checked with the key library (apart from client-values.ts, which the console loads). */
export function parseJwks(value: unknown): JSONWebKeySet | null {
  if (value === null) return null;
  if (!isRecord(value) || !Array.isArray(value.keys)) throw new ClientValidationError('jwks', 'must be a JSON Web Key Set (an object with a keys array)');
  const kids = new Set<string>();
  const stored: JSONWebKeySet['keys'] = [];
  for (const [index, key] of (value.keys as unknown[]).entries()) {
    if (!isRecord(key) || typeof key.kty !== 'string') throw new ClientValidationError('jwks', 'every key must be a JWK object with kty');
    if (!['EC', 'OKP', 'RSA'].includes(key.kty)) throw new ClientValidationError('jwks', `key type '${key.kty}' is not supported; use EC, OKP or RSA`);
    if ('d' in key || 'k' in key) throw new ClientValidationError('jwks', 'only public keys may be registered; remove the private key members');
    try {
      stored.push(checkClientJwk(key).jwk);
    } catch (error) {
      if (error instanceof FieldValidationError) throw new ClientValidationError('jwks', `key ${index + 1}: ${error.reason}`);
      throw error;
    }
    if (typeof key.kid === 'string') {
      if (kids.has(key.kid)) throw new ClientValidationError('jwks', `two keys have the kid '${String(key.kid)}'`);
      kids.add(key.kid);
    }
  }
  return { keys: stored };
}
