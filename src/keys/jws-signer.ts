import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../shared/signing-algs.js';
import { signOnThreadPool, type SigningThread } from './signing-thread.js';

/**
 * Compact JWS signing on node:crypto's `sign`, the one hot-path exception to doing JWS work with jose (its
 * WebCrypto path costs several times more per token). Its output is verified with jose in tests.
 */
export class CompactJwsSigner {
  private readonly encodedHeader: string;

  /** `thread`: where the signatures are made; without one, on libuv's thread pool (one job per token). */
  constructor(
    private readonly key: KeyObject,
    readonly alg: SigningAlg,
    readonly kid: string,
    typ: string,
    private readonly thread?: SigningThread,
  ) {
    this.encodedHeader = Buffer.from(JSON.stringify({ alg, typ, kid })).toString('base64url');
  }

  async sign(payload: object): Promise<string> {
    const signingInput = `${this.encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = this.thread ? await this.thread.sign(this.key, this.alg, signingInput) : await signOnThreadPool(this.alg, this.key, signingInput);
    return `${signingInput}.${signature}`;
  }
}
