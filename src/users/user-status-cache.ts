import { CacheStats } from '../shared/cache-stats.js';
import type { UsersStore } from './users-store.js';

/** Users whose status is remembered at most; the oldest entry leaves first. */
const MAX_ENTRIES = 50_000;

/**
 * Whether a user may still use tokens issued to them (exists and is enabled), remembered after the
 * first lookup and forgotten on a change event, so that checking user tokens rarely reads the store.
 */
export class UserStatusCache {
  private readonly active = new Map<string, boolean>();
  /** A miss reads the store. */
  readonly stats = new CacheStats();

  constructor(private readonly repository: UsersStore) {}

  async isActive(userId: string): Promise<boolean> {
    const known = this.active.get(userId);
    this.stats.record(known !== undefined);
    if (known !== undefined) return known;
    const user = await this.repository.get(userId);
    const active = user?.enabled === true;
    if (this.active.size >= MAX_ENTRIES) {
      const oldest = this.active.keys().next();
      if (!oldest.done) this.active.delete(oldest.value);
    }
    this.active.set(userId, active);
    return active;
  }

  forget(userId: string): void {
    this.active.delete(userId);
  }

  clear(): void {
    this.active.clear();
  }
}
