import type { SigningKeyStatus } from './signing-keys.js';

/** A signing key's state as the admin API and the CLI's `--json` show it: snake_case, ISO 8601 times, never key material. */
export function signingKeyJson(status: SigningKeyStatus) {
  return {
    kid: status.kid,
    alg: status.alg,
    state: status.state,
    created_at: new Date(status.createdAt).toISOString(),
    activates_at: new Date(status.activatesAt).toISOString(),
    published_until: status.publishedUntil === null ? null : new Date(status.publishedUntil).toISOString(),
  };
}
