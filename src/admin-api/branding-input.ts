import { checkFields, FieldValidationError } from '../shared/errors.js';
import { isRecord } from '../shared/is-record.js';

/**
 * The `branding` setting as administrators set it (admin API, CLI): checked here, stored as the JSON the hosted
 * pages read, `{"productName", "logoUrl", "primaryColour", "backgroundColour"}` (src/sign-in-pages/branding.ts
 * parses the same shape with rules no stricter than these). The wire form uses the admin API's snake_case names.
 * No Node.js imports: the web console checks its branding form with parseBrandingInput (through wire.ts).
 */
export const BRANDING_SETTING = 'branding';

/** `GET/PUT /admin/api/branding`: how the hosted sign-in pages look. */
export interface BrandingJson {
  product_name: string;
  /** An https URL, or null for the product name alone. */
  logo_url: string | null;
  /** `#rrggbb`. */
  primary_colour: string;
  background_colour: string;
}

/** What the pages show while nothing is set (the same defaults as the pages'). */
export const DEFAULT_BRANDING: Readonly<BrandingJson> = Object.freeze({
  product_name: 'Gatehouse',
  logo_url: null,
  primary_colour: '#1f5fbf',
  background_colour: '#ffffff',
});

const FIELDS: readonly (keyof BrandingJson)[] = ['product_name', 'logo_url', 'primary_colour', 'background_colour'];
const MAX_PRODUCT_NAME = 100;
const MAX_LOGO_URL = 2048;
const COLOUR = /^#[0-9a-f]{6}$/i;
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

function productName(value: unknown): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed === '' || trimmed.length > MAX_PRODUCT_NAME || CONTROL.test(trimmed)) {
    throw new FieldValidationError('product_name', `must be 1 to ${MAX_PRODUCT_NAME} characters without control characters`);
  }
  return trimmed;
}

/** An https URL without credentials, or null. */
function logoUrl(value: unknown): string | null {
  if (value === null) return null;
  const valid =
    typeof value === 'string' &&
    value.length <= MAX_LOGO_URL &&
    URL.canParse(value) &&
    !/[\s"'<>\\]/.test(value) &&
    ((url) => url.protocol === 'https:' && url.username === '' && url.password === '')(new URL(value));
  if (!valid) throw new FieldValidationError('logo_url', `must be null or an https URL (at most ${MAX_LOGO_URL} characters, no user or password)`);
  return value;
}

function colour(value: unknown, field: 'primary_colour' | 'background_colour'): string {
  if (typeof value !== 'string' || !COLOUR.test(value)) throw new FieldValidationError(field, 'must be a colour #rrggbb');
  return value.toLowerCase();
}

/**
 * Checks a branding body: every field present replaces the value in `base` (PUT passes the defaults, so absent
 * fields take them); unknown fields and bad values are refused naming the field, every one of them at once (an
 * InvalidFieldsError when there are several), so nothing is stored. Colours come back lower case.
 */
export function parseBrandingInput(body: unknown, base: Readonly<BrandingJson> = DEFAULT_BRANDING): BrandingJson {
  if (!isRecord(body)) throw new FieldValidationError('body', 'must be a JSON object');
  const unknown: Record<string, () => never> = {};
  for (const key of Object.keys(body)) {
    if (!(FIELDS as readonly string[]).includes(key))
      unknown[`unknown ${key}`] = () => {
        throw new FieldValidationError(key, `unknown field; use ${FIELDS.join(', ')}`);
      };
  }
  const { product_name, logo_url, primary_colour, background_colour } = checkFields({
    ...unknown,
    product_name: () => (body.product_name === undefined ? base.product_name : productName(body.product_name)),
    logo_url: () => (body.logo_url === undefined ? base.logo_url : logoUrl(body.logo_url)),
    primary_colour: () => (body.primary_colour === undefined ? base.primary_colour : colour(body.primary_colour, 'primary_colour')),
    background_colour: () => (body.background_colour === undefined ? base.background_colour : colour(body.background_colour, 'background_colour')),
  });
  return { product_name, logo_url, primary_colour, background_colour };
}

/** The stored setting's text for a checked branding. */
export function brandingSettingValue(branding: BrandingJson): string {
  return JSON.stringify({ productName: branding.product_name, logoUrl: branding.logo_url, primaryColour: branding.primary_colour, backgroundColour: branding.background_colour });
}

/** The branding a stored setting holds; the defaults when it is absent or not valid (as the pages treat it). */
export function brandingOfSetting(value: string | undefined): BrandingJson {
  if (value === undefined) return { ...DEFAULT_BRANDING };
  try {
    const stored: unknown = JSON.parse(value);
    if (!isRecord(stored)) return { ...DEFAULT_BRANDING };
    return parseBrandingInput({ product_name: stored.productName, logo_url: stored.logoUrl, primary_colour: stored.primaryColour, background_colour: stored.backgroundColour });
  } catch {
    return { ...DEFAULT_BRANDING };
  }
}

/** Where the setting lives: the settings table (a change reaches every instance as a `setting` change). */
export interface BrandingSettingStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

export async function readBranding(settings: BrandingSettingStore): Promise<BrandingJson> {
  return brandingOfSetting(await settings.get(BRANDING_SETTING));
}

/** Checks and stores a branding; `base` fills the absent fields (the defaults for a replacement, the current one for a change). */
export async function writeBranding(settings: BrandingSettingStore, body: unknown, base: Readonly<BrandingJson> = DEFAULT_BRANDING): Promise<BrandingJson> {
  const branding = parseBrandingInput(body, base);
  await settings.set(BRANDING_SETTING, brandingSettingValue(branding));
  return branding;
}
