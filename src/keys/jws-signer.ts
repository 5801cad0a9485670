import { constants, sign, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../config/config.js';

/**
 * Compact JWS signing on node:crypto's `sign`, the one hot-path exception to doing JWS work with jose (its
 * WebCrypto path costs several times more per token). Its output is verified with jose in tests.
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

  /**
   * Signs on libuv's thread pool (node:crypto's `sign` with a callback): the event loop spends about 11 µs per
   * ES256 token on it instead of the 32-44 µs of the signature itself, and the signatures of concurrent
   * requests run on the other cores.
   */
  sign(payload: object): Promise<string> {
    const signingInput = `${this.encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const data = Buffer.from(signingInput);
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, signature: Buffer) => (error ? reject(error) : resolve(`${signingInput}.${signature.toString('base64url')}`));
      switch (this.alg) {
        case 'ES256':
          sign('sha256', data, { key: this.key, dsaEncoding: 'ieee-p1363' }, done);
          break;
        case 'EdDSA':
          sign(null, data, this.key, done);
          break;
        case 'RS256':
          sign('sha256', data, this.key, done);
          break;
        case 'PS256':
          sign('sha256', data, { key: this.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, done);
          break;
      }
    });
  }
}
