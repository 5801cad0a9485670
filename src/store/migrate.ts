import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { StoreConnection } from './database.js';
import { initialMigration } from './migrations/0001-initial.js';
import { usersAndRefreshTokensMigration } from './migrations/0002-users-and-refresh-tokens.js';
import { usedAssertionsMigration } from './migrations/0003-used-assertions.js';
import { actForUsersMigration } from './migrations/0004-act-for-users.js';
import { securityProfilesMigration } from './migrations/0005-security-profiles.js';
import { securityCheckStatesMigration } from './migrations/0006-security-check-states.js';
import { registrationMigration } from './migrations/0007-registration.js';
import { purgeIndexesMigration } from './migrations/0011-purge-indexes.js';
import { adminAccountsMigration } from './migrations/0012-admin-accounts.js';
import { auditEventsMigration } from './migrations/0013-audit-events.js';
import { auditTokenFieldsMigration } from './migrations/0014-audit-token-fields.js';
import { refreshTokenResourcesMigration } from './migrations/0015-refresh-token-resources.js';
import { attemptCountersMigration } from './migrations/0016-attempt-counters.js';
import { revokedGrantsMigration } from './migrations/0017-revoked-grants.js';
import { initialAccessTokenRegistrationsMigration } from './migrations/0018-initial-access-token-registrations.js';
import { browserClientsMigration } from './migrations/0019-browser-clients.js';
import { browserSignInMigration } from './migrations/0020-browser-sign-in.js';
import { signingKeyPurposeMigration } from './migrations/0021-signing-key-purpose.js';
import { defaultScopeMigration } from './migrations/0022-default-scope.js';
import { storedCommandsMigration } from './migrations/0023-stored-commands.js';
import { rolesClaimProfileDefaultScopeMigration } from './migrations/0025-roles-claim-profile-default-scope.js';
import type { Database } from './schema.js';

/** Every migration by name, in the order they run. */
export function migrationsFor(engine: StoreConnection['engine']): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(engine),
    '0002-users-and-refresh-tokens': usersAndRefreshTokensMigration,
    '0003-used-assertions': usedAssertionsMigration,
    '0004-act-for-users': actForUsersMigration,
    '0005-security-profiles': securityProfilesMigration,
    '0006-security-check-states': securityCheckStatesMigration,
    '0007-registration': registrationMigration,
    '0011-purge-indexes': purgeIndexesMigration,
    '0012-admin-accounts': adminAccountsMigration,
    '0013-audit-events': auditEventsMigration,
    '0014-audit-token-fields': auditTokenFieldsMigration,
    '0015-refresh-token-resources': refreshTokenResourcesMigration,
    '0016-attempt-counters': attemptCountersMigration,
    '0017-revoked-grants': revokedGrantsMigration,
    '0018-initial-access-token-registrations': initialAccessTokenRegistrationsMigration,
    '0019-browser-clients': browserClientsMigration,
    '0020-browser-sign-in': browserSignInMigration,
    '0021-signing-key-purpose': signingKeyPurposeMigration,
    '0022-default-scope': defaultScopeMigration,
    '0023-stored-commands': storedCommandsMigration,
    '0025-roles-claim-profile-default-scope': rolesClaimProfileDefaultScopeMigration,
  };
}

/** Kysely's bookkeeping of applied migrations lives in these two tables. */
export const MIGRATION_TABLE = 'gatehouse_migrations';
export const MIGRATION_LOCK_TABLE = 'gatehouse_migrations_lock';

/** A migrator over any Kysely instance (the store's, or one that only records SQL). */
export function createMigrator(db: Kysely<unknown>, engine: StoreConnection['engine']): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrationsFor(engine)) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
}

function migratorFor(store: StoreConnection): Migrator {
  // The migrator works on an untyped view.
  return createMigrator(store.db as unknown as Kysely<unknown>, store.engine);
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies every pending migration. On PostgreSQL kysely holds an advisory lock, so concurrent starts run
 * each migration once. SQLite has no such lock: a process that loses the race fails inside its (rolled
 * back) migration transaction, finds nothing pending any more and carries on.
 */
export async function migrateToLatest(store: StoreConnection): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { error, results } = await migratorFor(store).migrateToLatest();
      return settle(error, results);
    } catch (error) {
      if ((await pendingMigrations(store)).length === 0) return [];
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Names of migrations that have not run yet. */
export async function pendingMigrations(store: StoreConnection): Promise<string[]> {
  const all = await migratorFor(store).getMigrations();
  return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

function settle(error: unknown, results: MigrationResultSet['results']): string[] {
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : failed ? 'see the database log' : 'unknown error';
    throw new MigrationError(`migration ${failed?.migrationName ?? ''} failed: ${reason}`.replace('  ', ' '));
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

export type { Database };
