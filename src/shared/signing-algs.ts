/** JWS algorithms Gatehouse signs access tokens with (the signing keys' algorithms). */
export const SIGNING_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
