import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { AppTokenLaunchesTable, Database } from './schema.js';
import type { AppTokenLaunch, AppTokenLaunchesStore, LaunchLinkState } from '../sign-in/app-token-launch.js';

function toRow(launch: AppTokenLaunch): AppTokenLaunchesTable {
  return {
    id_digest: launch.idDigest,
    client_id: launch.clientId,
    subject: launch.subject,
    jti: launch.jti,
    sealed_token: launch.sealedToken,
    token_expires_at: launch.tokenExpiresAt,
    target: launch.target,
    pass_through: JSON.stringify(launch.passThrough),
    created_at: launch.createdAt,
    expires_at: launch.expiresAt,
    used_at: launch.usedAt,
  };
}

function fromRow(row: AppTokenLaunchesTable): AppTokenLaunch {
  return {
    idDigest: row.id_digest,
    clientId: row.client_id,
    subject: row.subject,
    jti: row.jti,
    sealedToken: row.sealed_token,
    tokenExpiresAt: Number(row.token_expires_at),
    target: row.target,
    passThrough: JSON.parse(row.pass_through) as [string, string][],
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
  };
}

/** SQL for app_token_launches: each launch link opens once, on whichever instance the browser reaches. */
export class AppTokenLaunchesRepository implements AppTokenLaunchesStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(launch: AppTokenLaunch): Promise<void> {
    await this.db.insertInto('app_token_launches').values(toRow(launch)).execute();
  }

  async take(idDigest: string, now: number): Promise<AppTokenLaunch | undefined> {
    const row = await this.db
      .updateTable('app_token_launches')
      .set({ used_at: now })
      .where('id_digest', '=', idDigest)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async stateOf(idDigest: string, now: number): Promise<{ state: LaunchLinkState; clientId?: string }> {
    const row = await this.db.selectFrom('app_token_launches').select(['client_id', 'used_at', 'expires_at']).where('id_digest', '=', idDigest).executeTakeFirst();
    if (!row) return { state: 'unknown' };
    // Unused and unexpired, yet not taken: a concurrent open took it first.
    const state = row.used_at === null && Number(row.expires_at) <= now ? 'expired' : 'used';
    return { state, clientId: row.client_id };
  }

  /** Deletes up to `limit` launches whose link expired (used or not); returns how many. */
  async purgeExpired(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('app_token_launches')
      .where('id_digest', 'in', (eb) => eb.selectFrom('app_token_launches').select('id_digest').where('expires_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
