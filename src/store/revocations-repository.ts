import type { Kysely, Transaction } from 'kysely';
import { recordChange } from './change-events-repository.js';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database } from './schema.js';

export interface Revocation {
  jti: string;
  clientId: string;
  expiresAt: number;
}

/** A revoked refresh-token family (grant): its access tokens are refused until `expiresAt`. */
export interface GrantRevocation {
  familyId: string;
  clientId: string;
  expiresAt: number;
}

/** Whose tokens a cutoff revokes: every token of a client, or every token of a user. */
export type CutoffSubject = 'client' | 'user';

/** Every access token of the subject issued (iat) at or before `revokedBefore` (epoch ms) is revoked. */
export interface TokenCutoff {
  subject: CutoffSubject;
  subjectId: string;
  revokedBefore: number;
}

/** The change-feed reference of a cutoff: `client:<id>` or `user:<id>`. */
export function cutoffRef(subject: CutoffSubject, subjectId: string): string {
  return `${subject}:${subjectId}`;
}

/**
 * Records a revoked grant (or moves its end later when it is already recorded) and its change event, inside
 * the caller's transaction: the revoke endpoint's, or a user's password change revoking all their grants.
 */
export async function recordGrantRevocation(trx: Transaction<Database>, revocation: GrantRevocation, now: number): Promise<void> {
  await trx
    .insertInto('revoked_grants')
    .values({ family_id: revocation.familyId, client_id: revocation.clientId, expires_at: revocation.expiresAt, revoked_at: now })
    .onConflict((oc) => oc.column('family_id').doUpdateSet({ expires_at: revocation.expiresAt }).where('revoked_grants.expires_at', '<', revocation.expiresAt))
    .execute();
  await recordChange(trx, 'grant_revocation', revocation.familyId);
}

/** Revoked JWT access tokens, remembered by jti, and revoked grants, by family id, until they expire. */
export class RevocationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async revoke(revocation: Revocation): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('revoked_tokens').select('jti').where('jti', '=', revocation.jti).executeTakeFirst();
      if (existing) return;
      await trx.insertInto('revoked_tokens').values({ jti: revocation.jti, client_id: revocation.clientId, expires_at: revocation.expiresAt, revoked_at: Date.now() }).execute();
      await recordChange(trx, 'revocation', revocation.jti);
    });
  }

  /** Records a revoked grant, or moves its end later when it is already recorded. */
  async revokeGrant(revocation: GrantRevocation): Promise<void> {
    await this.db.transaction().execute((trx) => recordGrantRevocation(trx, revocation, Date.now()));
  }

  /**
   * Revokes every token of a client or a user, in one transaction: their refresh tokens (revoked_at), and a cutoff
   * time (kept as the later of the stored one and now) before which their access tokens are refused, announced to
   * every instance by a `token_cutoff` change. The time is read after the refresh tokens are revoked: a refresh
   * token that a concurrent rotation created (and that the UPDATE did not see) was created before it, so the
   * refresh grant refuses it by the cutoff. Returns the cutoff and how many refresh tokens were revoked.
   */
  async revokeAllOf(subject: CutoffSubject, subjectId: string): Promise<{ revokedBefore: number; refreshTokens: number }> {
    return this.db.transaction().execute(async (trx) => {
      const column = subject === 'client' ? 'client_id' : 'user_id';
      const updated = await trx.updateTable('refresh_tokens').set({ revoked_at: Date.now() }).where(column, '=', subjectId).where('revoked_at', 'is', null).executeTakeFirst();
      const stored = await trx.selectFrom('token_cutoffs').select('revoked_before').where('subject_kind', '=', subject).where('subject_id', '=', subjectId).executeTakeFirst();
      const revokedBefore = Math.max(Date.now(), Number(stored?.revoked_before ?? 0));
      await trx
        .insertInto('token_cutoffs')
        .values({ subject_kind: subject, subject_id: subjectId, revoked_before: revokedBefore })
        .onConflict((oc) => oc.columns(['subject_kind', 'subject_id']).doUpdateSet({ revoked_before: revokedBefore }))
        .execute();
      await recordChange(trx, 'token_cutoff', cutoffRef(subject, subjectId));
      return { revokedBefore, refreshTokens: Number(updated.numUpdatedRows) };
    });
  }

  /** The cutoff of `client:<id>` / `user:<id>`, if any. */
  async getCutoff(ref: string): Promise<TokenCutoff | undefined> {
    const separator = ref.indexOf(':');
    const subject = ref.slice(0, separator);
    if (subject !== 'client' && subject !== 'user') return undefined;
    const row = await this.db
      .selectFrom('token_cutoffs')
      .selectAll()
      .where('subject_kind', '=', subject)
      .where('subject_id', '=', ref.slice(separator + 1))
      .executeTakeFirst();
    return row ? { subject, subjectId: row.subject_id, revokedBefore: Number(row.revoked_before) } : undefined;
  }

  /** Every cutoff (one per client or user whose tokens were all revoked). */
  async allCutoffs(): Promise<TokenCutoff[]> {
    const rows = await this.db.selectFrom('token_cutoffs').selectAll().execute();
    return rows.map((row) => ({ subject: row.subject_kind === 'user' ? 'user' : 'client', subjectId: row.subject_id, revokedBefore: Number(row.revoked_before) }));
  }

  async getGrant(familyId: string): Promise<GrantRevocation | undefined> {
    const row = await this.db.selectFrom('revoked_grants').selectAll().where('family_id', '=', familyId).executeTakeFirst();
    return row ? { familyId: row.family_id, clientId: row.client_id, expiresAt: Number(row.expires_at) } : undefined;
  }

  /** Revoked grants whose access tokens may not have expired yet. */
  async unexpiredGrants(now: number): Promise<GrantRevocation[]> {
    const rows = await this.db.selectFrom('revoked_grants').selectAll().where('expires_at', '>', now).execute();
    return rows.map((row) => ({ familyId: row.family_id, clientId: row.client_id, expiresAt: Number(row.expires_at) }));
  }

  /** Deletes up to `limit` revoked grants whose access tokens have all expired; returns how many. */
  async purgeExpiredGrants(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('revoked_grants')
      .where('family_id', 'in', (eb) => eb.selectFrom('revoked_grants').select('family_id').where('expires_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
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
