import { constants, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { SigningAlg } from '../shared/signing-algs.js';

/** The digest and key arguments of node:crypto's `sign` for a JWS algorithm (RFC 7518 §3, RFC 8037). */
export function signArguments(alg: SigningAlg, key: KeyObject): { digest: string | null; key: KeyObject | SignKeyObjectInput } {
  switch (alg) {
    case 'ES256':
      // JWS carries ECDSA signatures as r || s (IEEE P1363), not DER.
      return { digest: 'sha256', key: { key, dsaEncoding: 'ieee-p1363' } };
    case 'EdDSA':
      return { digest: null, key };
    case 'RS256':
      return { digest: 'sha256', key };
    case 'PS256':
      return { digest: 'sha256', key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } };
  }
}
