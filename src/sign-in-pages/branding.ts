import { FieldValidationError } from '../shared/errors.js';
import { isRecord } from '../shared/is-record.js';

/** How the hosted sign-in pages look: stored as the setting `branding` (JSON of this shape), edited by operators. */
export interface Branding {
  productName: string;
  /** An https URL or a data: URL of an image; null shows the product name alone. */
  logoUrl: string | null;
  /** `#rrggbb`: buttons and links. */
  primaryColour: string;
  /** `#rrggbb`: the page. */
  backgroundColour: string;
}

export const BRANDING_SETTING = 'branding';

export const DEFAULT_BRANDING: Readonly<Branding> = Object.freeze({
  productName: 'Gatehouse',
  logoUrl: null,
  primaryColour: '#1f5fbf',
  backgroundColour: '#ffffff',
});

/** A branding field that failed validation; answered 400 naming `field`. */
export class BrandingValidationError extends FieldValidationError {
  override name = 'BrandingValidationError';
}

const COLOUR = /^#[0-9a-f]{6}$/i;
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
const DATA_IMAGE = /^data:image\/(png|gif|jpeg|webp|svg\+xml|avif)(;base64)?,[A-Za-z0-9+/=%._~!$&'()*,;:@-]*$/;
/** A logo inline in the settings stays small: the pages carry it in every response. */
const MAX_LOGO_URL_LENGTH = 65_536;
const FIELDS: ReadonlySet<string> = new Set(['productName', 'logoUrl', 'primaryColour', 'backgroundColour']);

export function isColour(value: unknown): value is string {
  return typeof value === 'string' && COLOUR.test(value);
}

/** An https URL (no credentials) or a data: URL of an image. */
export function isLogoUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_LOGO_URL_LENGTH) return false;
  if (value.startsWith('data:')) return DATA_IMAGE.test(value);
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.username === '' && url.password === '' && !/[\s"'<>\\]/.test(value);
}

/**
 * Checks a branding object (the setting's JSON, or an admin API body): fields left out keep their defaults,
 * unknown fields and bad values throw BrandingValidationError naming the field. Colours come back lower case.
 */
export function parseBranding(json: unknown): Branding {
  if (!isRecord(json)) throw new BrandingValidationError('branding', 'must be a JSON object');
  for (const key of Object.keys(json)) if (!FIELDS.has(key)) throw new BrandingValidationError(key, 'unknown field');
  const branding: Branding = { ...DEFAULT_BRANDING };
  if (json.productName !== undefined) {
    const name = json.productName;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100 || CONTROL.test(name)) {
      throw new BrandingValidationError('productName', 'must be 1 to 100 characters without control characters');
    }
    branding.productName = name.trim();
  }
  if (json.logoUrl !== undefined) {
    if (json.logoUrl !== null && !isLogoUrl(json.logoUrl)) {
      throw new BrandingValidationError('logoUrl', `must be null, an https URL or a data: URL of an image (png, gif, jpeg, webp, svg+xml, avif), at most ${MAX_LOGO_URL_LENGTH} characters`);
    }
    branding.logoUrl = json.logoUrl;
  }
  for (const field of ['primaryColour', 'backgroundColour'] as const) {
    const value = json[field];
    if (value === undefined) continue;
    if (!isColour(value)) throw new BrandingValidationError(field, 'must be a colour #rrggbb');
    branding[field] = value.toLowerCase();
  }
  return branding;
}

/** The stored setting's branding; the defaults when it is absent or no longer valid (a page must always render). */
export function brandingFromSetting(value: string | undefined): Branding {
  if (value === undefined) return { ...DEFAULT_BRANDING };
  try {
    return parseBranding(JSON.parse(value));
  } catch {
    return { ...DEFAULT_BRANDING };
  }
}
