import type { Kysely } from 'kysely';
import { DuplicateProfileError, ProfileInUseError, type SecurityProfile } from '../security/security-profile.js';
import { recordChange } from './change-events-repository.js';
import type { Database, SecurityProfilesTable } from './schema.js';
import type { ProfilesStore } from '../security/security-store.js';

function toRow(profile: SecurityProfile): SecurityProfilesTable {
  return {
    name: profile.name,
    max_token_expiration: profile.maxTokenExpiration,
    scope_element_mapping: JSON.stringify(profile.scopeElementMapping),
    mandatory_scope: JSON.stringify(profile.mandatoryScope),
    created_at: profile.createdAt,
    updated_at: profile.updatedAt,
    registration_enabled: profile.registrationEnabled ? 1 : 0,
    default_scope: profile.defaultScope === null ? null : profile.defaultScope.join(' '),
  };
}

function fromRow(row: SecurityProfilesTable): SecurityProfile {
  return {
    name: row.name,
    maxTokenExpiration: Number(row.max_token_expiration),
    scopeElementMapping: JSON.parse(row.scope_element_mapping) as Record<string, string[]>,
    mandatoryScope: JSON.parse(row.mandatory_scope) as string[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    registrationEnabled: Number(row.registration_enabled) === 1,
    defaultScope: row.default_scope === null || row.default_scope === undefined ? null : row.default_scope.split(' ').filter((element) => element !== ''),
  };
}

/** SQL for the security_profiles table. Every write records a change event in the same transaction. */
export class ProfilesRepository implements ProfilesStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<SecurityProfile | undefined> {
    const row = await this.db.selectFrom('security_profiles').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async all(): Promise<SecurityProfile[]> {
    const rows = await this.db.selectFrom('security_profiles').selectAll().orderBy('name').execute();
    return rows.map(fromRow);
  }

  async insert(profile: SecurityProfile): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('security_profiles').select('name').where('name', '=', profile.name).executeTakeFirst();
      if (existing) throw new DuplicateProfileError(profile.name);
      await trx.insertInto('security_profiles').values(toRow(profile)).execute();
      await recordChange(trx, 'profile', profile.name);
    });
  }

  /**
   * Reads the profile (undefined when there is none), lets `change` compute the new one, and writes it, in one
   * transaction. `change` may return undefined to write nothing. Returns what was written and whether it is new.
   */
  async upsert(name: string, change: (current: SecurityProfile | undefined) => SecurityProfile | undefined): Promise<{ profile: SecurityProfile; created: boolean } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('security_profiles').selectAll().where('name', '=', name).executeTakeFirst();
      const next = change(row ? fromRow(row) : undefined);
      if (!next) return undefined;
      const { name: _name, created_at: _created, ...values } = toRow(next);
      if (row) await trx.updateTable('security_profiles').set(values).where('name', '=', name).execute();
      else await trx.insertInto('security_profiles').values(toRow(next)).execute();
      await recordChange(trx, 'profile', name);
      return { profile: next, created: !row };
    });
  }

  /** Deletes the profile unless clients use it (ProfileInUseError); false when there is none. */
  async delete(name: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const users = await trx
        .selectFrom('clients')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('profile', '=', name)
        .executeTakeFirstOrThrow();
      if (Number(users.n) > 0) throw new ProfileInUseError(name, Number(users.n));
      // Its initial access tokens go with it (the schema cascades too, where foreign keys are enforced).
      await trx.deleteFrom('initial_access_tokens').where('profile', '=', name).execute();
      const result = await trx.deleteFrom('security_profiles').where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await recordChange(trx, 'profile', name);
      return true;
    });
  }
}
