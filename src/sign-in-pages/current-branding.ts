import { BRANDING_SETTING, brandingFromSetting, DEFAULT_BRANDING, type Branding } from './branding.js';

/** The branding the hosted pages show: the `branding` setting, read at start and again when a setting changes (any instance). */
export class CurrentBranding {
  private current: Branding = { ...DEFAULT_BRANDING };

  constructor(private readonly settings: { get(name: string): Promise<string | undefined> }) {}

  get value(): Branding {
    return this.current;
  }

  async load(): Promise<void> {
    this.current = brandingFromSetting(await this.settings.get(BRANDING_SETTING));
  }
}
