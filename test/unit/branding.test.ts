import { describe, expect, it } from 'vitest';
import { BrandingValidationError, brandingFromSetting, DEFAULT_BRANDING, isLogoUrl, parseBranding } from '../../src/sign-in-pages/branding.js';
import { contrastRatio, textColourOn } from '../../src/sign-in-pages/colours.js';

describe('parseBranding', () => {
  it('accepts a full branding, lower-casing colours', () => {
    expect(parseBranding({ productName: ' Acme ID ', logoUrl: 'https://cdn.acme.example/logo.png', primaryColour: '#FFCC00', backgroundColour: '#101820' })).toEqual({
      productName: 'Acme ID',
      logoUrl: 'https://cdn.acme.example/logo.png',
      primaryColour: '#ffcc00',
      backgroundColour: '#101820',
    });
  });

  it('keeps the defaults of fields left out', () => {
    expect(parseBranding({})).toEqual(DEFAULT_BRANDING);
    expect(parseBranding({ productName: 'X' })).toEqual({ ...DEFAULT_BRANDING, productName: 'X' });
    expect(parseBranding({ logoUrl: null }).logoUrl).toBeNull();
  });

  it('accepts a data: image logo', () => {
    expect(parseBranding({ logoUrl: 'data:image/png;base64,iVBORw0KGgo=' }).logoUrl).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(isLogoUrl('data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%2F%3E')).toBe(true);
  });

  it.each([
    ['primaryColour', 'red'],
    ['primaryColour', '#fff'],
    ['backgroundColour', '#12345g'],
    ['backgroundColour', '#123456;}</style>'],
    ['primaryColour', 12],
  ])('refuses %s %j', (field, value) => {
    expect(() => parseBranding({ [field]: value })).toThrow(new BrandingValidationError(field, 'must be a colour #rrggbb'));
  });

  it.each([
    'http://cdn.example/logo.png',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/png;base64,"><script>',
    'https://user:pw@cdn.example/logo.png',
    'https://cdn.example/a"b.png',
    'logo.png',
    42,
    `data:image/png;base64,${'A'.repeat(70_000)}`,
  ])('refuses the logo %j', (logoUrl) => {
    expect(() => parseBranding({ logoUrl })).toThrow(BrandingValidationError);
    try {
      parseBranding({ logoUrl });
    } catch (error) {
      expect((error as BrandingValidationError).field).toBe('logoUrl');
    }
  });

  it('refuses bad product names, unknown fields and non-objects', () => {
    expect(() => parseBranding({ productName: '' })).toThrow(new BrandingValidationError('productName', 'must be 1 to 100 characters without control characters'));
    expect(() => parseBranding({ productName: 'a\nb' })).toThrow(BrandingValidationError);
    expect(() => parseBranding({ productName: 'x'.repeat(101) })).toThrow(BrandingValidationError);
    expect(() => parseBranding({ colour: '#000000' })).toThrow(new BrandingValidationError('colour', 'unknown field'));
    expect(() => parseBranding([])).toThrow(new BrandingValidationError('branding', 'must be a JSON object'));
    expect(() => parseBranding(null)).toThrow(BrandingValidationError);
  });
});

describe('brandingFromSetting', () => {
  it('reads the stored JSON, and falls back to the defaults when absent or broken', () => {
    expect(brandingFromSetting(JSON.stringify({ productName: 'Acme' })).productName).toBe('Acme');
    expect(brandingFromSetting(undefined)).toEqual(DEFAULT_BRANDING);
    expect(brandingFromSetting('{not json')).toEqual(DEFAULT_BRANDING);
    expect(brandingFromSetting('{"primaryColour": "blue"}')).toEqual(DEFAULT_BRANDING);
  });
});

describe('colours', () => {
  it('chooses the text colour that reads best', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(textColourOn('#ffffff')).toBe('#111111');
    expect(textColourOn('#101820')).toBe('#ffffff');
    expect(textColourOn('#ffcc00')).toBe('#111111');
    expect(contrastRatio(textColourOn(DEFAULT_BRANDING.primaryColour), DEFAULT_BRANDING.primaryColour)).toBeGreaterThanOrEqual(4.5);
  });
});
