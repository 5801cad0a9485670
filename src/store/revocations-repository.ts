import type { Kysely } from 'kysely';
import { recordChange } from './change-events-repository.js';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database } from './schema.js';

export interface Revocation {
  jti: string;
  clientId: string;
  expiresAt: number;
}

/** Revoked JWT access tokens, remembered by jti until they expire. */
export class RevocationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async revoke(revocation: Revocation): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('revoked_tokens').select('jti').where('jti', '=', revocation.jti).executeTakeFirst();
      if (existing) return;
      await trx
        .insertInto('revoked_tokens')
        .values({ jti: revocation.jti, client_id: revocation.clientId, expires_at: revocation.expiresAt, revoked_at: Date.now() })
        .execute();
      await recordChange(trx, 'revocation', revocation.jti);
    });
  }

  async get(jti: string): Promise<Revocation | undefined> {
    const row = await this.db.selectFrom('revoked_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
    return row ? { jti: row.jti, clientId: row.client_id, expiresAt: Number(row.expires_at) } : undefined;
  }

  /** Revocations of tokens that have not expired yet. */
  async unexpired(now: number): Promise<Revocation[]> {
    const rows = await this.db.selectFrom('revoked_tokens').selectAll().where('expires_at', '>', now).execute();
    return rows.map((row) => ({ jti: row.jti, clientId: row.client_id, expiresAt: Number(row.expires_at) }));
  }

  /** Deletes up to `limit` revocations of expired tokens; returns how many. */
  async purgeExpired(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('revoked_tokens')
      .where('jti', 'in', (eb) => eb.selectFrom('revoked_tokens').select('jti').where('expires_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
