import type { SecretDigester } from '../keys/secret-digest.js';
import { generateSecret } from '../keys/secret-digest.js';
import type { SettingsRepository } from '../store/settings-repository.js';

export const ADMIN_TOKEN_SETTING = 'admin_token_digest';

/**
 * The admin API's bearer token: the configured one, or one generated on first start and kept only as a digest.
 */
/** At most one re-read of the stored digest this often, prompted by a token that did not match. */
const REFRESH_ON_MISMATCH_MS = 1_000;

export class AdminToken {
  private digest: string | null = null;
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly digester: SecretDigester,
    private readonly settings: SettingsRepository,
    private readonly configured: string | undefined,
  ) {}

  /** Loads the digest; on a first start without a configured token, generates one and returns it (to print once). */
  async init(): Promise<string | undefined> {
    if (this.configured !== undefined) {
      this.digest = this.digester.digest(this.configured);
      return undefined;
    }
    const stored = await this.settings.get(ADMIN_TOKEN_SETTING);
    if (stored !== undefined) {
      this.digest = stored;
      return undefined;
    }
    const token = generateSecret();
    const created = await this.settings.setIfAbsent(ADMIN_TOKEN_SETTING, this.digester.digest(token));
    await this.refresh();
    return created ? token : undefined;
  }

  /** Re-reads the stored digest (after a reset by the CLI or another instance). */
  async refresh(): Promise<void> {
    if (this.configured !== undefined) return;
    this.digest = (await this.settings.get(ADMIN_TOKEN_SETTING)) ?? null;
  }

  /** Replaces the generated token; returns the new one (to print once). */
  async reset(): Promise<string> {
    if (this.configured !== undefined) throw new Error('GATEHOUSE_ADMIN_TOKEN is set; change it there instead');
    const token = generateSecret();
    await this.settings.set(ADMIN_TOKEN_SETTING, this.digester.digest(token));
    this.digest = this.digester.digest(token);
    return token;
  }

  matches(token: string): boolean {
    return this.digester.matches(token, this.digest);
  }

  /**
   * Like `matches`, but a token that does not match the digest held in memory is checked once more against the
   * stored one (re-read at most once a second): a token just made by `gatehouse admin-token` or another instance
   * works at once, before the change feed brings it, and wrong tokens cost the store one read a second at most.
   */
  async verify(token: string, now = Date.now()): Promise<boolean> {
    if (this.matches(token)) return true;
    if (this.configured !== undefined) return false;
    if (this.refreshing === undefined && now - this.refreshedAt >= REFRESH_ON_MISMATCH_MS) {
      this.refreshedAt = now;
      // A store that does not answer leaves the digest as it was: the token is refused as before (401, not 503).
      this.refreshing = this.refresh()
        .catch(() => undefined)
        .finally(() => (this.refreshing = undefined));
    }
    if (this.refreshing === undefined) return false;
    await this.refreshing;
    return this.matches(token);
  }
}
