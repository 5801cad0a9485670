import { checkFields } from '../shared/errors.js';
import type { ProfilesStore } from './security-store.js';
import { ProfileNotFoundError, ProfileValidationError, checksNamedBy, type ProfileReferenceChecks, type ProfileSettings, type SecurityProfile } from './security-profile.js';

/**
 * Creating and changing security profiles: shared by the admin API and the CLI. `knownChecks` (when given)
 * refuses mappings to checks that do not exist; `afterChange` lets the running server refresh its cache at once.
 */
export class ProfileRegistry {
  constructor(
    private readonly repository: ProfilesStore,
    private readonly knownChecks: () => readonly string[] | undefined,
    private readonly afterChange: () => Promise<void> = () => Promise.resolve(),
    /** The checks that have a `register` hook (when given): `registration_checks` may name only these. */
    private readonly registrationChecks: () => readonly string[] | undefined = () => undefined,
  ) {}

  list(): Promise<SecurityProfile[]> {
    return this.repository.all();
  }

  async get(name: string): Promise<SecurityProfile> {
    const profile = await this.repository.get(name);
    if (!profile) throw new ProfileNotFoundError(name);
    return profile;
  }

  async create(name: string, settings: ProfileSettings, registrationChecksField = 'registration_checks'): Promise<SecurityProfile> {
    this.checkNamedChecks(settings, 'scope_element_mapping', registrationChecksField);
    const now = Date.now();
    const profile: SecurityProfile = { name, ...settings, registrationEnabled: settings.registrationEnabled ?? false, createdAt: now, updatedAt: now };
    await this.repository.insert(profile);
    await this.afterChange();
    return profile;
  }

  /** Creates the profile or replaces all its settings, in one transaction (PUT, `profiles push`). */
  async replace(
    name: string,
    settings: ProfileSettings,
    mappingField = 'scope_element_mapping',
    registrationChecksField = 'registration_checks',
  ): Promise<{ profile: SecurityProfile; created: boolean }> {
    this.checkNamedChecks(settings, mappingField, registrationChecksField);
    const now = Date.now();
    const result = await this.repository.upsert(name, (current) => ({
      name,
      ...settings,
      registrationEnabled: settings.registrationEnabled ?? current?.registrationEnabled ?? false,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    }));
    if (!result) throw new ProfileNotFoundError(name);
    await this.afterChange();
    return result;
  }

  /** Changes the given settings of an existing profile (PATCH). */
  async update(name: string, changes: Partial<ProfileSettings>): Promise<SecurityProfile> {
    this.checkNamedChecks(changes, 'scope_element_mapping', 'registration_checks');
    const result = await this.repository.upsert(name, (current) => (current ? { ...current, ...changes, updatedAt: Date.now() } : undefined));
    if (!result) throw new ProfileNotFoundError(name);
    await this.afterChange();
    return result.profile;
  }

  async delete(name: string): Promise<void> {
    if (!(await this.repository.delete(name))) throw new ProfileNotFoundError(name);
    await this.afterChange();
  }

  /**
   * The checks that the security checks a profile names exist, for parseProfileBody() to run with the checks
   * of every other field (so that one refusal names every invalid field).
   */
  referenceChecks(): ProfileReferenceChecks {
    return {
      scopeElementMapping: (mapping, field) => this.checkReferences({ scopeElementMapping: mapping }, field),
      registrationChecks: (names, field) => this.checkRegistrationChecks(names, field),
    };
  }

  /** Both reference checks of the given settings, reporting both fields when both name unknown checks. */
  private checkNamedChecks(settings: Partial<Pick<ProfileSettings, 'scopeElementMapping' | 'registrationChecks'>>, mappingField: string, registrationChecksField: string): void {
    const { scopeElementMapping, registrationChecks } = settings;
    checkFields({
      mapping: () => scopeElementMapping && this.checkReferences({ scopeElementMapping }, mappingField),
      registration: () => registrationChecks && this.checkRegistrationChecks(registrationChecks, registrationChecksField),
    });
  }

  private checkReferences(settings: Pick<ProfileSettings, 'scopeElementMapping'>, field: string): void {
    const known = this.knownChecks();
    if (!known) return;
    const unknown = checksNamedBy(settings).filter((name) => !known.includes(name));
    if (unknown.length > 0) throw new ProfileValidationError(field, `no security check named ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }

  private checkRegistrationChecks(names: readonly string[], field: string): void {
    const known = this.registrationChecks();
    if (!known) return;
    const unknown = names.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new ProfileValidationError(field, `no security check with a register hook named ${unknown.join(', ')}; known: ${known.length > 0 ? known.join(', ') : '(none)'}`);
    }
  }
}
