import { describe, expect, it } from 'vitest';
import { BRANDING_SETTING, brandingOfSetting, brandingSettingValue, DEFAULT_BRANDING, parseBrandingInput, readBranding, writeBranding } from '../../src/admin-api/branding-input.js';
import { FieldValidationError } from '../../src/shared/errors.js';

describe('branding input', () => {
  it('stores the JSON shape the hosted pages read, and reads it back', () => {
    const branding = parseBrandingInput({ product_name: 'Acme', logo_url: 'https://acme.example/logo.png', primary_colour: '#ABCDEF', background_colour: '#000000' });
    const stored = brandingSettingValue(branding);
    expect(JSON.parse(stored)).toEqual({ productName: 'Acme', logoUrl: 'https://acme.example/logo.png', primaryColour: '#abcdef', backgroundColour: '#000000' });
    expect(brandingOfSetting(stored)).toEqual(branding);
  });

  it('reads the defaults for an absent, unparsable or invalid setting, and fills absent fields', () => {
    for (const value of [undefined, '', 'not json', '[]', '{"primaryColour":"red"}']) expect(brandingOfSetting(value)).toEqual(DEFAULT_BRANDING);
    expect(brandingOfSetting('{"productName":"Acme"}')).toEqual({ ...DEFAULT_BRANDING, product_name: 'Acme' });
  });

  it('fills absent fields from the base given, and names the field of a bad value', () => {
    const base = { ...DEFAULT_BRANDING, product_name: 'Acme' };
    expect(parseBrandingInput({ primary_colour: '#000000' }, base)).toEqual({ ...base, primary_colour: '#000000' });
    expect(() => parseBrandingInput({ logo_url: 'data:image/png;base64,AAAA' })).toThrow(FieldValidationError);
    expect(() => parseBrandingInput(null)).toThrow(/^body: /);
  });

  it('reads and writes through a settings store', async () => {
    const values = new Map<string, string>();
    const settings = { get: async (name: string) => values.get(name), set: async (name: string, value: string) => void values.set(name, value) };
    expect(await readBranding(settings)).toEqual(DEFAULT_BRANDING);
    await writeBranding(settings, { product_name: 'Acme' });
    expect(JSON.parse(values.get(BRANDING_SETTING) ?? '{}')).toMatchObject({ productName: 'Acme', logoUrl: null });
    await expect(writeBranding(settings, { background_colour: 'blue' })).rejects.toThrow(/^background_colour: /);
    expect((await readBranding(settings)).product_name).toBe('Acme');
  });
});
