import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { CacheStats } from '../shared/cache-stats.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { SIGNING_ALGS, type SigningAlg } from '../shared/signing-algs.js';
import type { SigningKeysStore, StoredSigningKey } from './signing-keys-store.js';
import { CompactJwsSigner } from './jws-signer.js';
import type { SigningThread } from './signing-thread.js';
import type { KeyEncryption } from './key-encryption.js';

/** A signing key ready for use: imported once as KeyObjects. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  publicKey: KeyObject;
  signer: CompactJwsSigner;
  createdAt: number;
  activatesAt: number;
}

export type SigningKeyState = 'next' | 'active' | 'retired' | 'expired';

export interface SigningKeyStatus {
  kid: string;
  alg: SigningAlg;
  state: SigningKeyState;
  createdAt: number;
  activatesAt: number;
  /** When a retired key leaves the JWKS (its last token has expired); null while it may still sign. */
  publishedUntil: number | null;
}

export const ACCESS_TOKEN_TYP = 'at+jwt';
/** Extra time a retired key stays published, for clock skew and in-flight requests. */
const RETENTION_MARGIN_MS = 5 * 60_000;

export class NoSigningKeyError extends Error {
  override name = 'NoSigningKeyError';
}

/**
 * The access-token signing keys: creation, rotation, which key signs now, and which are published.
 * Keys move next -> active -> retired -> expired by time alone, so every instance agrees without coordination.
 */
export class SigningKeys {
  private keys: SigningKey[] = [];
  /** Lookups of verification keys by kid; a miss is an unknown or unpublished kid. */
  readonly stats = new CacheStats();

  constructor(
    private readonly repository: SigningKeysStore,
    private readonly encryption: KeyEncryption,
    /** Longest lifetime any access token can have, seconds: how long a retired key stays published. */
    private readonly maxTokenLifetime: () => number,
    /** Where access tokens are signed; without one, on libuv's thread pool. */
    private readonly signingThread?: SigningThread,
  ) {}

  /** Loads every stored key; throws KeyDecryptionError when the master secret does not fit. */
  async load(): Promise<void> {
    const stored = await this.repository.all();
    this.keys = stored.map((key) => this.importKey(key));
  }

  get loaded(): boolean {
    return this.keys.length > 0;
  }

  /**
   * Makes sure a key of `alg` signs: creates the first key on an empty store, or, when the configured
   * algorithm changed, rotates to a key of it that is published at once and signs after
   * `activationDelaySeconds` (resource servers with a cached JWKS learn it first). Safe when several
   * instances start together.
   */
  async ensureSigningKey(alg: SigningAlg, activationDelaySeconds: number): Promise<void> {
    await this.load();
    if (this.keys.length === 0) {
      const key = await this.createKey(alg, Date.now());
      try {
        await this.repository.insertIfEmpty(key);
      } catch (error) {
        // Another process created the first key at the same moment (SQLite refuses the stale write).
        await this.load();
        if (this.keys.length === 0) throw error;
      }
      await this.load();
    }
    const now = Date.now();
    const current = this.signingKeyAt(now);
    const pending = this.keys.find((key) => key.activatesAt > now && key.alg === alg);
    if (current.alg !== alg && !pending) {
      await this.rotate(alg, activationDelaySeconds);
    }
  }

  /** Adds a key that is published at once and starts signing after `delaySeconds`. */
  async rotate(alg: SigningAlg, delaySeconds: number): Promise<SigningKeyStatus> {
    const now = Date.now();
    const stored = await this.createKey(alg, now + delaySeconds * 1000);
    await this.repository.insert(stored);
    await this.load();
    const status = this.status(now).find((key) => key.kid === stored.kid);
    if (!status) throw new Error('rotated key not found after insert');
    return status;
  }

  /** The key that signs at `now`: the one activated most recently. */
  signingKeyAt(now: number): SigningKey {
    let chosen: SigningKey | undefined;
    for (const key of this.keys) {
      if (key.activatesAt <= now) chosen = key;
    }
    chosen ??= this.keys[0];
    if (!chosen) throw new NoSigningKeyError('no signing key loaded');
    return chosen;
  }

  /** A published key by kid, for verifying tokens; undefined when unknown or no longer published. */
  verificationKey(kid: string, now: number): SigningKey | undefined {
    const index = this.keys.findIndex((key) => key.kid === kid);
    const key = index >= 0 && this.isPublished(index, now) ? this.keys[index] : undefined;
    this.stats.record(key !== undefined);
    return key;
  }

  /** The public JWKS: the next, active and retired-but-still-needed keys. */
  jwks(now: number): { keys: JWK[] } {
    return { keys: this.keys.filter((_, index) => this.isPublished(index, now)).map((key) => key.publicJwk) };
  }

  status(now: number): SigningKeyStatus[] {
    const signing = this.keys.length > 0 ? this.signingKeyAt(now) : undefined;
    return this.keys.map((key, index) => {
      const supersededAt = this.supersededAt(index, now);
      const publishedUntil = supersededAt === null ? null : supersededAt + this.maxTokenLifetime() * 1000 + RETENTION_MARGIN_MS;
      let state: SigningKeyState;
      if (key === signing) state = 'active';
      else if (key.activatesAt > now) state = 'next';
      else state = publishedUntil !== null && publishedUntil <= now ? 'expired' : 'retired';
      return { kid: key.kid, alg: key.alg, state, createdAt: key.createdAt, activatesAt: key.activatesAt, publishedUntil };
    });
  }

  /** When the key at `index` stopped signing (a later key became active), or null if it has not. */
  private supersededAt(index: number, now: number): number | null {
    const key = this.keys[index];
    if (!key) return null;
    for (let later = index + 1; later < this.keys.length; later++) {
      const successor = this.keys[later];
      if (successor && successor.activatesAt <= now && successor.activatesAt >= key.activatesAt) return successor.activatesAt;
    }
    return null;
  }

  private isPublished(index: number, now: number): boolean {
    const supersededAt = this.supersededAt(index, now);
    return supersededAt === null || supersededAt + this.maxTokenLifetime() * 1000 + RETENTION_MARGIN_MS > now;
  }

  private importKey(stored: StoredSigningKey): SigningKey {
    const alg = SIGNING_ALGS.find((candidate) => candidate === stored.alg);
    if (!alg) throw new Error(`stored signing key ${stored.kid} has unsupported alg ${stored.alg}`);
    const privateJwk = JSON.parse(this.encryption.decrypt(stored.privateJwkEncrypted, stored.kid)) as JWK;
    const privateKey = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
    const publicJwk = JSON.parse(stored.publicJwk) as JWK;
    return {
      kid: stored.kid,
      alg,
      publicJwk,
      publicKey: createPublicKey(privateKey),
      signer: new CompactJwsSigner(privateKey, alg, stored.kid, ACCESS_TOKEN_TYP, this.signingThread),
      createdAt: stored.createdAt,
      activatesAt: stored.activatesAt,
    };
  }

  private async createKey(alg: SigningAlg, activatesAt: number): Promise<StoredSigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 3072 } : {}) });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      alg,
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
      privateJwkEncrypted: this.encryption.encrypt(JSON.stringify(privateJwk), kid),
      createdAt: Date.now(),
      activatesAt,
    };
  }
}
