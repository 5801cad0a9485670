/** What a person allowed a third-party client: remembered per user and client, withdrawn by them or an administrator. */
export interface Consent {
  userId: string;
  clientId: string;
  /** Scope elements granted so far (a later consent adds to them). */
  scopes: string[];
  grantedAt: number;
  updatedAt: number;
}

/** Whether a consent covers every element of a request. */
export function consentCovers(consent: Consent | undefined, scopes: readonly string[]): boolean {
  if (consent === undefined) return false;
  const granted = new Set(consent.scopes);
  return scopes.every((scope) => granted.has(scope));
}

/** What consents need from storage; `store/` implements it. */
export interface ConsentsStore {
  get(userId: string, clientId: string): Promise<Consent | undefined>;
  /** Adds the scopes to the user's consent for the client (creates it). */
  grant(userId: string, clientId: string, scopes: readonly string[], now: number): Promise<Consent>;
  /** False when there was none. */
  withdraw(userId: string, clientId: string): Promise<boolean>;
  /** Every consent, newest first; `userId` / `clientId` filter. */
  list(query: { userId?: string | undefined; clientId?: string | undefined; limit: number; offset: number }): Promise<{ consents: Consent[]; total: number }>;
}
