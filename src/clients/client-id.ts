import { randomBytes } from 'node:crypto';

/**
 * A new client id: 128 random bits as base64url (22 characters) that never begins with `-`, so that it
 * can be typed as a command argument (`gatehouse clients update <client_id>`) without being read as an option.
 */
export function newClientId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
