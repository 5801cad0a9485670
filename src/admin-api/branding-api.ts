import type { FastifyInstance } from 'fastify';
import type { ChangeFeed } from '../changes/change-feed.js';
import { readBranding, writeBranding, type BrandingSettingStore } from './branding-input.js';
import type { BrandingJson } from './wire.js';

/** What the branding routes use. */
export interface BrandingApiServices {
  settings: BrandingSettingStore;
  changes: Pick<ChangeFeed, 'pollNow'>;
}

/**
 * `GET/PUT /admin/api/branding`: product name, logo and colours of the hosted sign-in pages. PUT replaces the
 * whole setting (absent fields take their defaults); it reaches every instance as a `setting` change.
 */
export function registerBrandingApi(app: FastifyInstance, services: BrandingApiServices): void {
  app.get('/branding', async (): Promise<BrandingJson> => readBranding(services.settings));

  app.put('/branding', async (request): Promise<BrandingJson> => {
    const branding = await writeBranding(services.settings, request.body);
    await services.changes.pollNow();
    request.log.info('branding changed');
    return branding;
  });
}
