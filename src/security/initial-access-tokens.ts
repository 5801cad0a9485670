import { randomBytes } from 'node:crypto';
import type { SecretDigester } from '../keys/secret-digest.js';
import { generateSecret } from '../keys/secret-digest.js';
import type { InitialAccessToken, InitialAccessTokensStore, ProfilesStore } from './security-store.js';
import { FieldValidationError, NotFoundError } from '../shared/errors.js';
import { ProfileNotFoundError } from './security-profile.js';

export class InitialAccessTokenNotFoundError extends NotFoundError {
  constructor(readonly tokenId: string) {
    super(`no initial access token '${tokenId}' for this profile`);
    this.name = 'InitialAccessTokenNotFoundError';
  }
}

/** Longest an initial access token may live: one year. */
const MAX_TOKEN_LIFETIME = 365 * 86_400;

/**
 * Initial access tokens (RFC 7591 §3): an administrator creates one per profile (shown once, kept as a keyed
 * digest) and ships it with an app; each app instance presents it once to register itself under that profile.
 */
export class InitialAccessTokens {
  constructor(
    private readonly repository: InitialAccessTokensStore,
    private readonly profiles: ProfilesStore,
    private readonly digester: SecretDigester,
  ) {}

  async create(profile: string, options: { description?: unknown; expiresIn?: unknown }): Promise<{ token: string; record: InitialAccessToken }> {
    if (options.description !== undefined && (typeof options.description !== 'string' || options.description.length > 200)) {
      throw new FieldValidationError('description', 'must be a string of at most 200 characters');
    }
    const expiresIn = options.expiresIn;
    if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > MAX_TOKEN_LIFETIME)) {
      throw new FieldValidationError('expires_in', `must be an integer from 60 to ${MAX_TOKEN_LIFETIME} (seconds)`);
    }
    if (!(await this.profiles.get(profile))) throw new ProfileNotFoundError(profile);
    const now = Date.now();
    const token = generateSecret();
    const record: InitialAccessToken = {
      id: randomBytes(9).toString('base64url'),
      profile,
      description: options.description ?? null,
      createdAt: now,
      expiresAt: typeof expiresIn === 'number' ? now + expiresIn * 1000 : null,
      revokedAt: null,
      registrations: 0,
    };
    await this.repository.insert(record, this.digester.digest(token));
    return { token, record };
  }

  async list(profile: string): Promise<InitialAccessToken[]> {
    if (!(await this.profiles.get(profile))) throw new ProfileNotFoundError(profile);
    return this.repository.listForProfile(profile);
  }

  async revoke(profile: string, id: string): Promise<void> {
    if (!(await this.repository.revoke(profile, id, Date.now()))) throw new InitialAccessTokenNotFoundError(id);
  }

  /**
   * Runs `register` for one more instance of a token, within `max` registrations per token (0: no cap);
   * undefined, without running it, once the token has used them up. A failed registration gives its slot back.
   */
  async withRegistrationSlot<T>(token: InitialAccessToken, max: number, register: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.repository.claimRegistration(token.id, max))) return undefined;
    try {
      return await register();
    } catch (error) {
      await this.repository.releaseRegistration(token.id);
      throw error;
    }
  }

  /** The profile a presented token registers under, or undefined for an unknown, revoked or expired token. */
  async verify(token: string): Promise<InitialAccessToken | undefined> {
    // Keyed digests are deterministic: the lookup by digest is the comparison, and reveals nothing about other tokens.
    const record = await this.repository.findByDigest(this.digester.digest(token));
    if (!record || record.revokedAt !== null) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= Date.now()) return undefined;
    return record;
  }
}

/** An initial access token as the admin API shows it; never the token itself. */
export interface InitialAccessTokenJson {
  id: string;
  profile: string;
  description: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  registrations: number;
}

export function toInitialAccessTokenJson(record: InitialAccessToken): InitialAccessTokenJson {
  return {
    id: record.id,
    profile: record.profile,
    description: record.description,
    created_at: new Date(record.createdAt).toISOString(),
    expires_at: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
    revoked_at: record.revokedAt === null ? null : new Date(record.revokedAt).toISOString(),
    registrations: record.registrations,
  };
}
