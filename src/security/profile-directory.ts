import type { ProfilesStore } from './security-store.js';
import type { SecurityProfile } from './security-profile.js';

/** Every security profile, in memory: a token request never reads the store for its client's profile. */
export class ProfileDirectory {
  private profiles = new Map<string, SecurityProfile>();

  constructor(private readonly repository: ProfilesStore) {}

  async loadAll(): Promise<void> {
    const all = await this.repository.all();
    this.profiles = new Map(all.map((profile) => [profile.name, profile]));
  }

  /** Re-reads one profile after a change event. */
  async refresh(name: string): Promise<void> {
    const profile = await this.repository.get(name);
    if (profile) this.profiles.set(name, profile);
    else this.profiles.delete(name);
  }

  get(name: string): SecurityProfile | undefined {
    return this.profiles.get(name);
  }

  /** The scope elements some profile maps to security checks (what clients may ask for by name), sorted. */
  scopeElements(): string[] {
    return [...new Set([...this.profiles.values()].flatMap((profile) => Object.keys(profile.scopeElementMapping)))].sort();
  }
}
