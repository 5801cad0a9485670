import type { ClientMetadata } from './client-fields.js';

/** The one word the console and the CLI show for a client: disabled wins over expired. */
export type ClientStatus = 'enabled' | 'disabled' | 'expired';

export function clientStatus(client: Pick<ClientMetadata, 'enabled' | 'expires_at'>, now: number = Date.now()): ClientStatus {
  if (!client.enabled) return 'disabled';
  if (client.expires_at !== null && Date.parse(client.expires_at) <= now) return 'expired';
  return 'enabled';
}
