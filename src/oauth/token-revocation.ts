import type { ClientRegistry } from '../clients/client-registry.js';
import { FieldValidationError } from '../shared/errors.js';
import { UserNotFoundError } from '../users/user-registry.js';
import type { UsersStore } from '../users/users-store.js';
import type { RevocationList } from './revocation-list.js';

/** What an administrator revokes: one access token by its `jti`, every token of a client, or every token of a user. */
export type RevocationTarget = { jti: string } | { clientId: string } | { userId: string };

/** What a revocation did, as the admin API answers it and the CLI prints it. */
export type TokenRevocationResult =
  | { revoked: 'token'; jti: string; expires_at: string }
  | { revoked: 'client'; client_id: string; revoked_before: string; refresh_tokens_revoked: number }
  | { revoked: 'user'; user_id: string; username: string; revoked_before: string; refresh_tokens_revoked: number };

const FIELDS = ['jti', 'client_id', 'user_id'] as const;
const MAX_ID_LENGTH = 256;

/** Reads `{jti}` | `{client_id}` | `{user_id}` (exactly one, a non-empty string). */
export function parseRevocationTarget(body: unknown): RevocationTarget {
  const object = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const given = FIELDS.filter((field) => object[field] !== undefined);
  if (given.length !== 1) throw new FieldValidationError(given[1] ?? 'jti', 'give exactly one of jti, client_id or user_id');
  const field = given[0] as (typeof FIELDS)[number];
  const value = object[field];
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH) throw new FieldValidationError(field, `must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  if (field === 'jti') return { jti: value };
  return field === 'client_id' ? { clientId: value } : { userId: value };
}

/**
 * Administrative revocation, shared by the admin API and the CLI. A `jti` joins the revocation list (kept as long
 * as the longest token can live, since a jti alone does not say when its token expires). A client or a user gets
 * a cutoff time: their refresh tokens are revoked and their access tokens issued until now are refused by every
 * instance (the change feed carries the cutoff into each one's memory; the verifier never reads the store).
 */
export class TokenRevocation {
  constructor(
    private readonly revocations: RevocationList,
    private readonly clients: Pick<ClientRegistry, 'get'>,
    private readonly users: Pick<UsersStore, 'findByIdOrUsername'>,
    /** Until when a jti revoked at `now` must be remembered: past the end of the longest-lived token. */
    private readonly revokedTokenEnd: (now: number) => number,
  ) {}

  async revoke(target: RevocationTarget): Promise<TokenRevocationResult> {
    if ('jti' in target) {
      const expiresAt = this.revokedTokenEnd(Date.now());
      await this.revocations.revoke({ jti: target.jti, clientId: '', expiresAt });
      return { revoked: 'token', jti: target.jti, expires_at: new Date(expiresAt).toISOString() };
    }
    if ('clientId' in target) {
      const client = await this.clients.get(target.clientId);
      const result = await this.revocations.revokeAllOf('client', client.clientId);
      return { revoked: 'client', client_id: client.clientId, revoked_before: new Date(result.revokedBefore).toISOString(), refresh_tokens_revoked: result.refreshTokens };
    }
    const user = await this.users.findByIdOrUsername(target.userId);
    if (!user) throw new UserNotFoundError(target.userId);
    const result = await this.revocations.revokeAllOf('user', user.id);
    return { revoked: 'user', user_id: user.id, username: user.username, revoked_before: new Date(result.revokedBefore).toISOString(), refresh_tokens_revoked: result.refreshTokens };
  }
}
