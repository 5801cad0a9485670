import { constants, sign, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../config/config.js';

/**
 * Compact JWS signing on node:crypto's synchronous `sign`, the one hot-path exception to doing JWS
 * work with jose (about 2.7x faster for ES256 on this machine). Its output is verified with jose in tests.
 */
export class CompactJwsSigner {
  private readonly encodedHeader: string;

  constructor(
    private readonly key: KeyObject,
    readonly alg: SigningAlg,
    readonly kid: string,
    typ: string,
  ) {
    this.encodedHeader = Buffer.from(JSON.stringify({ alg, typ, kid })).toString('base64url');
  }

  sign(payload: object): string {
    const signingInput = `${this.encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const data = Buffer.from(signingInput);
    let signature: Buffer;
    switch (this.alg) {
      case 'ES256':
        signature = sign('sha256', data, { key: this.key, dsaEncoding: 'ieee-p1363' });
        break;
      case 'EdDSA':
        signature = sign(null, data, this.key);
        break;
      case 'RS256':
        signature = sign('sha256', data, this.key);
        break;
      case 'PS256':
        signature = sign('sha256', data, { key: this.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
        break;
    }
    return `${signingInput}.${signature.toString('base64url')}`;
  }
}
