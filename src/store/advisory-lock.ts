import { sql, type Kysely } from 'kysely';
import type { StoreConnection } from './database.js';
import type { Database } from './schema.js';

/** Keys of Gatehouse's PostgreSQL advisory locks: (class, object) in the two-integer key space. */
export const LOCK_CLASS = 0x6761; // "ga"
export const HOUSEKEEPING_LOCK = 1;
/** Held (per transaction) by changes that could leave no console administrator: deletes and role changes. */
export const ADMINS_LOCK = 2;

/**
 * Runs `work` only if no other session holds the lock, on one pinned connection that holds it for the
 * duration (a lost connection releases it). Returns undefined when another session has it. On SQLite,
 * which has no such locks, the work runs (a single server process owns an embedded database).
 */
export async function withTryLock<T>(store: StoreConnection, lock: number, work: (db: Kysely<Database>) => Promise<T>): Promise<T | undefined> {
  if (store.engine !== 'postgres') return work(store.db);
  return store.db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${sql.lit(LOCK_CLASS)}, ${sql.lit(lock)}) as locked`.execute(connection);
    if (rows[0]?.locked !== true) return undefined;
    try {
      return await work(connection);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(LOCK_CLASS)}, ${sql.lit(lock)})`.execute(connection);
    }
  });
}
