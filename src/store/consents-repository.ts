import type { Kysely } from 'kysely';
import type { ConsentsTable, Database } from './schema.js';
import type { Consent, ConsentsStore } from '../sign-in/consent.js';

function fromRow(row: ConsentsTable): Consent {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    scopes: JSON.parse(row.scopes) as string[],
    grantedAt: Number(row.granted_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The union of scope elements, sorted, each once. */
function merged(...lists: (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

/**
 * SQL for consents, one row per user and client. A consent goes with its user or its client (foreign keys,
 * ON DELETE CASCADE).
 */
export class ConsentsRepository implements ConsentsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(userId: string, clientId: string): Promise<Consent | undefined> {
    const row = await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Creates the consent, or adds the scopes to it, in one transaction. The insert either creates the row or
   * finds it; an existing row is then locked by an UPDATE before it is read, so concurrent grants (on any
   * instance) all end up in the union.
   */
  async grant(userId: string, clientId: string, scopes: readonly string[], now: number): Promise<Consent> {
    return this.db.transaction().execute(async (trx) => {
      const fresh: ConsentsTable = { user_id: userId, client_id: clientId, scopes: JSON.stringify(merged(scopes)), granted_at: now, updated_at: now };
      const inserted = await trx
        .insertInto('consents')
        .values(fresh)
        .onConflict((conflict) => conflict.columns(['user_id', 'client_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return fromRow(fresh);
      await trx.updateTable('consents').set({ updated_at: now }).where('user_id', '=', userId).where('client_id', '=', clientId).execute();
      const row = await trx.selectFrom('consents').selectAll().where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirstOrThrow();
      const next: ConsentsTable = { ...row, scopes: JSON.stringify(merged(JSON.parse(row.scopes) as string[], scopes)), updated_at: now };
      await trx.updateTable('consents').set({ scopes: next.scopes }).where('user_id', '=', userId).where('client_id', '=', clientId).execute();
      return fromRow(next);
    });
  }

  async withdraw(userId: string, clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async list(query: { userId?: string | undefined; clientId?: string | undefined; limit: number; offset: number }): Promise<{ consents: Consent[]; total: number }> {
    let base = this.db.selectFrom('consents');
    if (query.userId !== undefined) base = base.where('user_id', '=', query.userId);
    if (query.clientId !== undefined) base = base.where('client_id', '=', query.clientId);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('updated_at', 'desc').orderBy('user_id').orderBy('client_id').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { consents: rows.map(fromRow), total: Number(count.n) };
  }
}
