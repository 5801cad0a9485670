import type { Kysely, Selectable } from 'kysely';
import type { Database, InitialAccessTokensTable } from './schema.js';
import type { InitialAccessToken, InitialAccessTokensStore } from '../security/security-store.js';

function fromRow(row: Selectable<InitialAccessTokensTable>): InitialAccessToken {
  return {
    id: row.id,
    profile: row.profile,
    description: row.description,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    registrations: Number(row.registrations),
  };
}

/** SQL for initial_access_tokens (RFC 7591 §3): tokens exist here only as keyed digests. */
export class InitialAccessTokensRepository implements InitialAccessTokensStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: InitialAccessToken, tokenDigest: string): Promise<void> {
    await this.db
      .insertInto('initial_access_tokens')
      .values({
        id: token.id,
        profile: token.profile,
        token_digest: tokenDigest,
        description: token.description,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        revoked_at: token.revokedAt,
      })
      .execute();
  }

  async listForProfile(profile: string): Promise<InitialAccessToken[]> {
    const rows = await this.db.selectFrom('initial_access_tokens').selectAll().where('profile', '=', profile).orderBy('created_at').orderBy('id').execute();
    return rows.map(fromRow);
  }

  async findByDigest(tokenDigest: string): Promise<InitialAccessToken | undefined> {
    const row = await this.db.selectFrom('initial_access_tokens').selectAll().where('token_digest', '=', tokenDigest).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Takes one registration slot of a token: true when it had registered fewer than `max` instances (0: no
   * cap). One conditional UPDATE, so concurrent registrations with one token never pass the cap (the row
   * lock on PostgreSQL, the single writer on SQLite).
   */
  async claimRegistration(id: string, max: number): Promise<boolean> {
    let update = this.db
      .updateTable('initial_access_tokens')
      .set((eb) => ({ registrations: eb('registrations', '+', 1) }))
      .where('id', '=', id);
    if (max > 0) update = update.where('registrations', '<', max);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives back a slot taken for a registration that then failed. */
  async releaseRegistration(id: string): Promise<void> {
    await this.db
      .updateTable('initial_access_tokens')
      .set((eb) => ({ registrations: eb('registrations', '-', 1) }))
      .where('id', '=', id)
      .where('registrations', '>', 0)
      .execute();
  }

  /** Marks a token revoked; false when the profile has no such token. */
  async revoke(profile: string, id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('initial_access_tokens')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
      .where('profile', '=', profile)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
