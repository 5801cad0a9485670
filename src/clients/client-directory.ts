import type { ClientsStore } from './clients-store.js';
import { CacheStats } from '../shared/cache-stats.js';
import { clientUnusableReason, type Client } from './client.js';

/**
 * Every registered client, held in memory so that authenticating a client never reads the store.
 * Kept current by the change feed; a registry of thousands of clients costs a few megabytes.
 */
export class ClientDirectory {
  private clients = new Map<string, Client>();
  private originsCache: Map<string, Client[]> | undefined;
  /** Lookups by client id; a miss is an id no registered client has. */
  readonly stats = new CacheStats();

  constructor(private readonly repository: ClientsStore) {}

  /** Ids of the loaded clients whose own access-token lifetime is above `maximum` (their tokens are capped at it). */
  aboveLifetime(maximum: number): string[] {
    return [...this.clients.values()].filter((client) => client.accessTokenLifetime > maximum).map((client) => client.clientId);
  }

  async loadAll(): Promise<void> {
    const all = await this.repository.all();
    this.clients = new Map(all.map((client) => [client.clientId, client]));
    this.originsCache = undefined;
  }

  /** Re-reads one client after a change event. */
  async refresh(clientId: string): Promise<void> {
    const client = await this.repository.get(clientId);
    if (client) this.clients.set(clientId, client);
    else this.clients.delete(clientId);
    this.originsCache = undefined;
  }

  get(clientId: string): Client | undefined {
    const client = this.clients.get(clientId);
    this.stats.record(client !== undefined);
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Whether an enabled, unexpired client lists this exact origin (CORS with credentials). */
  isAllowedOrigin(origin: string, now: number): boolean {
    if (!this.originsCache) {
      this.originsCache = new Map();
      for (const client of this.clients.values()) {
        for (const allowed of client.allowedOrigins) this.originsCache.set(allowed, [...(this.originsCache.get(allowed) ?? []), client]);
      }
    }
    return (this.originsCache.get(origin) ?? []).some((client) => clientUnusableReason(client, now) === null);
  }
}
