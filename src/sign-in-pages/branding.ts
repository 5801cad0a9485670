// TEMPORARY stand-in until the pages branch lands.
export interface Branding {
  productName: string;
  logoUrl: string | null;
  primaryColour: string;
  backgroundColour: string;
}
export const DEFAULT_BRANDING: Branding = { productName: 'Gatehouse', logoUrl: null, primaryColour: '#1f4e8c', backgroundColour: '#f6f7f9' };
