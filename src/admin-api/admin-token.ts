import type { SecretDigester } from '../keys/secret-digest.js';
import { generateSecret } from '../keys/secret-digest.js';
import type { SettingsRepository } from '../store/settings-repository.js';

export const ADMIN_TOKEN_SETTING = 'admin_token_digest';

/**
 * The admin API's bearer token: the configured one, or one generated on first start and kept only as a digest.
 */
export class AdminToken {
  private digest: string | null = null;

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
}
