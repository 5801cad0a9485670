import type { SecurityProfile } from './security-profile.js';

/** What profiles need from storage; `store/profiles-repository.ts` implements it. */
export interface ProfilesStore {
  get(name: string): Promise<SecurityProfile | undefined>;
  all(): Promise<SecurityProfile[]>;
  insert(profile: SecurityProfile): Promise<void>;
  /** Applies `change` in one transaction; undefined when `change` answers undefined. */
  upsert(name: string, change: (current: SecurityProfile | undefined) => SecurityProfile | undefined): Promise<{ profile: SecurityProfile; created: boolean } | undefined>;
  delete(name: string): Promise<boolean>;
}

export interface InitialAccessToken {
  id: string;
  profile: string;
  description: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** App instances registered with it so far. */
  registrations: number;
}

/** What initial access tokens (RFC 7591 §3) need from storage; `store/initial-access-tokens-repository.ts` implements it. */
export interface InitialAccessTokensStore {
  insert(token: InitialAccessToken, tokenDigest: string): Promise<void>;
  listForProfile(profile: string): Promise<InitialAccessToken[]>;
  findByDigest(tokenDigest: string): Promise<InitialAccessToken | undefined>;
  /** Counts one registration unless `max` are reached; true when counted. */
  claimRegistration(id: string, max: number): Promise<boolean>;
  releaseRegistration(id: string): Promise<void>;
  revoke(profile: string, id: string, now: number): Promise<boolean>;
}

export interface StoredCheckState {
  checkName: string;
  passedUntil: number | null;
  failedAttempts: number;
  blockedUntil: number | null;
  /** Null for a state that has never been written. */
  version: number | null;
}

/** What the security gate needs from storage; `store/check-states-repository.ts` implements it. */
export interface CheckStatesStore {
  load(clientId: string, checkNames: readonly string[]): Promise<Map<string, StoredCheckState>>;
  /** Writes only over the version the state was read at; false when another request wrote first. */
  save(clientId: string, state: StoredCheckState, now: number): Promise<boolean>;
  reset(clientId: string, checkName: string): Promise<void>;
}
