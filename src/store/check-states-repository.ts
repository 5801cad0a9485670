import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database } from './schema.js';
import type { CheckStatesStore, StoredCheckState } from '../security/security-store.js';

/** SQL for security_check_states: each write is one statement that applies only to the version it read. */
export class CheckStatesRepository implements CheckStatesStore {
  constructor(private readonly db: Kysely<Database>) {}

  async load(clientId: string, checkNames: readonly string[]): Promise<Map<string, StoredCheckState>> {
    const states = new Map<string, StoredCheckState>();
    if (checkNames.length === 0) return states;
    const rows = await this.db.selectFrom('security_check_states').selectAll().where('client_id', '=', clientId).where('check_name', 'in', checkNames).execute();
    for (const row of rows) {
      states.set(row.check_name, {
        checkName: row.check_name,
        passedUntil: row.passed_until === null ? null : Number(row.passed_until),
        failedAttempts: Number(row.failed_attempts),
        blockedUntil: row.blocked_until === null ? null : Number(row.blocked_until),
        version: Number(row.version),
      });
    }
    return states;
  }

  /**
   * Writes a state read at `state.version` (null: never written). False when another request wrote it since:
   * the caller reads again and retries, so concurrent answers on any instance never count twice.
   */
  async save(clientId: string, state: StoredCheckState, now: number): Promise<boolean> {
    const values = { passed_until: state.passedUntil, failed_attempts: state.failedAttempts, blocked_until: state.blockedUntil, updated_at: now };
    if (state.version === null) {
      const result = await this.db
        .insertInto('security_check_states')
        .values({ client_id: clientId, check_name: state.checkName, ...values, version: 1 })
        .onConflict((conflict) => conflict.columns(['client_id', 'check_name']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    }
    const result = await this.db
      .updateTable('security_check_states')
      .set({ ...values, version: state.version + 1 })
      .where('client_id', '=', clientId)
      .where('check_name', '=', state.checkName)
      .where('version', '=', state.version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Forgets a check's state for a client (a new PIN starts with every attempt and no success). */
  async reset(clientId: string, checkName: string): Promise<void> {
    await this.db.deleteFrom('security_check_states').where('client_id', '=', clientId).where('check_name', '=', checkName).execute();
  }

  /**
   * Deletes up to `limit` states that say nothing any more: no success still valid, no block still running and
   * no failed attempts being counted (such a row reads like a state never written). Returns how many.
   */
  async purgeSettled(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('security_check_states')
      .where((eb) =>
        eb(
          eb.refTuple('client_id', 'check_name'),
          'in',
          eb
            .selectFrom('security_check_states')
            .select(['client_id', 'check_name'])
            .where((inner) =>
              inner.and([
                inner.or([inner('passed_until', 'is', null), inner('passed_until', '<=', now)]),
                inner.or([inner('blocked_until', 'is', null), inner('blocked_until', '<=', now)]),
                inner('failed_attempts', '=', 0),
              ]),
            )
            .limit(limit)
            .$asTuple('client_id', 'check_name'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
