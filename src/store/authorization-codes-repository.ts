import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { AuthorizationCodesTable, Database } from './schema.js';
import type { AuthorizationCode, AuthorizationCodesStore } from '../sign-in/authorization-code.js';

/**
 * How long a code is kept after it expired, ms: a replay within this time is still recognised (and revokes the
 * code's grant); afterwards the code is merely unknown (still refused).
 */
export const EXPIRED_CODE_RETENTION_MS = 10 * 60_000;

function toRow(code: AuthorizationCode): AuthorizationCodesTable {
  return {
    code_digest: code.codeDigest,
    client_id: code.clientId,
    redirect_uri: code.redirectUri,
    code_challenge: code.codeChallenge,
    nonce: code.nonce,
    resources: JSON.stringify(code.resources),
    scopes: JSON.stringify(code.scopes),
    user_id: code.userId,
    session_id_digest: code.sessionIdDigest,
    auth_time: code.authTime,
    amr: JSON.stringify(code.amr),
    grant_id: code.grantId,
    created_at: code.createdAt,
    expires_at: code.expiresAt,
    used_at: code.usedAt,
  };
}

function fromRow(row: AuthorizationCodesTable): AuthorizationCode {
  return {
    codeDigest: row.code_digest,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    nonce: row.nonce,
    resources: JSON.parse(row.resources) as string[],
    scopes: JSON.parse(row.scopes) as string[],
    userId: row.user_id,
    sessionIdDigest: row.session_id_digest,
    authTime: Number(row.auth_time),
    amr: JSON.parse(row.amr) as string[],
    grantId: row.grant_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
  };
}

/** SQL for authorization_codes: codes stored as keyed digests, each redeemed once. */
export class AuthorizationCodesRepository implements AuthorizationCodesStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(code: AuthorizationCode): Promise<void> {
    await this.db.insertInto('authorization_codes').values(toRow(code)).execute();
  }

  /**
   * One conditional UPDATE marks the code used: of concurrent redemptions (on any instance) exactly one
   * changes the row and gets `firstUse` true; the others read the row as the winner left it. The caller checks
   * expiry, client, redirect URI and verifier on the returned code.
   */
  async redeem(codeDigest: string, now: number): Promise<{ code: AuthorizationCode; firstUse: boolean } | undefined> {
    const marked = await this.db.updateTable('authorization_codes').set({ used_at: now }).where('code_digest', '=', codeDigest).where('used_at', 'is', null).returningAll().executeTakeFirst();
    if (marked) return { code: fromRow(marked), firstUse: true };
    const row = await this.db.selectFrom('authorization_codes').selectAll().where('code_digest', '=', codeDigest).executeTakeFirst();
    return row ? { code: fromRow(row), firstUse: false } : undefined;
  }

  /** Deletes up to `limit` codes that expired before `cutoff` (used or not); returns how many. */
  async purgeExpiredBefore(cutoff: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('authorization_codes')
      .where('code_digest', 'in', (eb) => eb.selectFrom('authorization_codes').select('code_digest').where('expires_at', '<=', cutoff).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
