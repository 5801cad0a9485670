import type { GatehouseConfig } from '../config/config.js';
import { isHttpsIssuer } from '../config/load-config.js';
import type { SettingsRepository } from '../store/settings-repository.js';
import { FieldValidationError } from '../shared/errors.js';
import { parseTokenDeliveryChanges, type TokenDelivery } from './token-delivery-rules.js';

export type { TokenDelivery } from './token-delivery-rules.js';

export const TOKEN_DELIVERY_SETTING = 'token_delivery';

/**
 * Token-delivery settings: the configuration's values, overridden by what an administrator stored through
 * the admin API (kept in the store, so every instance applies them).
 */
export class TokenDeliverySettings {
  private stored: Partial<TokenDelivery> = {};
  /** What `current` answers until the stored settings change (read on every protected request). */
  private effective: Readonly<TokenDelivery> | undefined;

  constructor(
    private readonly config: GatehouseConfig,
    private readonly settings: SettingsRepository,
  ) {}

  async load(): Promise<void> {
    const text = await this.settings.get(TOKEN_DELIVERY_SETTING);
    this.stored = text ? (JSON.parse(text) as Partial<TokenDelivery>) : {};
    this.effective = undefined;
  }

  current(): Readonly<TokenDelivery> {
    return (this.effective ??= Object.freeze({
      cookie_name: this.config.cookieName,
      cookie_domain: this.config.cookieDomain ?? null,
      cookie_path: this.config.cookiePath,
      cookie_same_site: this.config.cookieSameSite,
      cookie_secure: this.config.cookieSecure ?? null,
      cookie_http_only: this.config.cookieHttpOnly,
      header_name: this.config.tokenHeader,
      ...this.stored,
    }));
  }

  /** Validates and stores changes; unknown fields and bad values name the field, every one at once. */
  async update(body: unknown): Promise<Readonly<TokenDelivery>> {
    const changes = parseTokenDeliveryChanges(body);
    const next = { ...this.stored, ...changes } as Partial<TokenDelivery>;
    if ((next.cookie_same_site ?? this.config.cookieSameSite) === 'none' && (next.cookie_secure ?? this.config.cookieSecure) === false) {
      throw new FieldValidationError('cookie_secure', 'SameSite=None cookies must be Secure');
    }
    if ((next.cookie_same_site ?? this.config.cookieSameSite) === 'none' && !isHttpsIssuer(this.config.issuer)) {
      // Browsers accept SameSite=None only on a Secure cookie, which an http issuer cannot set: they would drop it silently.
      throw new FieldValidationError('cookie_same_site', `none needs an https issuer (the issuer is ${this.config.issuer})`);
    }
    await this.settings.set(TOKEN_DELIVERY_SETTING, JSON.stringify(next));
    this.stored = next;
    this.effective = undefined;
    return this.current();
  }
}
