import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database, RefreshTokensTable } from './schema.js';

export interface StoredRefreshToken {
  tokenDigest: string;
  familyId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  /** The grant's RFC 8707 resources: the audience of every access token the grant issues (none: the issuer). */
  resources: string[];
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

function fromRow(row: RefreshTokensTable): StoredRefreshToken {
  return {
    tokenDigest: row.token_digest,
    familyId: row.family_id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: row.scope === '' ? [] : row.scope.split(' '),
    resources: JSON.parse(row.resources) as string[],
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function toRow(token: StoredRefreshToken): RefreshTokensTable {
  return {
    token_digest: token.tokenDigest,
    family_id: token.familyId,
    client_id: token.clientId,
    user_id: token.userId,
    scope: token.scopes.join(' '),
    resources: JSON.stringify(token.resources),
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    used_at: token.usedAt,
    revoked_at: token.revokedAt,
  };
}

/** Refresh tokens, stored only as digests, grouped in families for reuse detection. */
export class RefreshTokensRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: StoredRefreshToken): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(toRow(token)).execute();
  }

  async get(tokenDigest: string): Promise<StoredRefreshToken | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('token_digest', '=', tokenDigest).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Marks `tokenDigest` used and stores its successor, atomically: of concurrent rotations of one
   * token exactly one returns true (the conditional UPDATE decides, on both engines).
   */
  async rotate(tokenDigest: string, successor: StoredRefreshToken, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_digest', '=', tokenDigest)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx.insertInto('refresh_tokens').values(toRow(successor)).execute();
      return true;
    });
  }

  /** Revokes every token of a family; returns how many were still unrevoked. */
  async revokeFamily(familyId: string, now: number): Promise<number> {
    const result = await this.db.updateTable('refresh_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Deletes up to `limit` expired refresh tokens (used, revoked or not); returns how many. */
  async purgeExpired(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('refresh_tokens')
      .where('token_digest', 'in', (eb) => eb.selectFrom('refresh_tokens').select('token_digest').where('expires_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Deletes up to `limit` refresh tokens used (rotated) before the cutoff; returns how many. Until then a
   * replay of such a token revokes its family; afterwards it is merely unknown (still refused).
   */
  async purgeUsedBefore(cutoff: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('refresh_tokens')
      .where('token_digest', 'in', (eb) => eb.selectFrom('refresh_tokens').select('token_digest').where('used_at', '<', cutoff).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
