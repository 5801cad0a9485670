import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database, SignInInteractionsTable } from './schema.js';
import type { AuthorizationRequest, Interaction, InteractionsStore } from '../sign-in/authorization-request.js';

function toRow(interaction: Interaction): SignInInteractionsTable {
  return {
    id_digest: interaction.idDigest,
    request: JSON.stringify(interaction.request),
    csrf_digest: interaction.csrfDigest,
    session_id_digest: interaction.sessionIdDigest,
    created_at: interaction.createdAt,
    expires_at: interaction.expiresAt,
  };
}

function fromRow(row: SignInInteractionsTable): Interaction {
  // JSON leaves out the request's undefined fields; reading them back gives undefined again.
  const request = JSON.parse(row.request) as AuthorizationRequest;
  return {
    idDigest: row.id_digest,
    request: { ...request, state: request.state, scope: request.scope, nonce: request.nonce, maxAge: request.maxAge, loginHint: request.loginHint },
    csrfDigest: row.csrf_digest,
    sessionIdDigest: row.session_id_digest,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/** SQL for sign_in_interactions: the sign-in pages' server-side state, keyed by a digest of the id in the URL. */
export class InteractionsRepository implements InteractionsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(interaction: Interaction): Promise<void> {
    await this.db.insertInto('sign_in_interactions').values(toRow(interaction)).execute();
  }

  async get(idDigest: string, now: number): Promise<Interaction | undefined> {
    const row = await this.db.selectFrom('sign_in_interactions').selectAll().where('id_digest', '=', idDigest).where('expires_at', '>', now).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async setSession(idDigest: string, sessionIdDigest: string): Promise<void> {
    await this.db.updateTable('sign_in_interactions').set({ session_id_digest: sessionIdDigest }).where('id_digest', '=', idDigest).execute();
  }

  async delete(idDigest: string): Promise<void> {
    await this.db.deleteFrom('sign_in_interactions').where('id_digest', '=', idDigest).execute();
  }

  /** Deletes up to `limit` expired interactions; returns how many. */
  async purgeExpired(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('sign_in_interactions')
      .where('id_digest', 'in', (eb) => eb.selectFrom('sign_in_interactions').select('id_digest').where('expires_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
