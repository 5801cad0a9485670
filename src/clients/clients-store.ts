import type { Client } from './client.js';

export interface ClientListQuery {
  /** Case-insensitive substring of the client id or name. */
  search?: string | undefined;
  limit: number;
  offset: number;
}

/** What the client registry and directory need from storage; `store/clients-repository.ts` implements it. */
export interface ClientsStore {
  get(clientId: string): Promise<Client | undefined>;
  list(query: ClientListQuery): Promise<{ clients: Client[]; total: number }>;
  all(): Promise<Client[]>;
  insert(client: Client): Promise<void>;
  /** Applies `change` to the stored client in one transaction; undefined when there is none. */
  update(clientId: string, change: (current: Client) => Client): Promise<Client | undefined>;
  setPin(clientId: string, pinDigest: string | null, now: number): Promise<Client | undefined>;
  delete(clientId: string): Promise<boolean>;
}
