import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { CacheStats } from '../shared/cache-stats.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { SIGNING_ALGS, type SigningAlg } from '../shared/signing-algs.js';
import type { SigningKeyPurpose, SigningKeysStore, StoredSigningKey } from './signing-keys-store.js';
import { CompactJwsSigner } from './jws-signer.js';
import type { SigningThread } from './signing-thread.js';
import type { KeyEncryption } from './key-encryption.js';

/** A signing key ready for use: imported once as KeyObjects. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  purpose: SigningKeyPurpose;
  publicJwk: JWK;
  publicKey: KeyObject;
  /** Signs what the key is for: access tokens (typ at+jwt) or ID tokens (typ JWT). */
  signer: CompactJwsSigner;
  /** Signs ID tokens (typ JWT) with this key, whatever its purpose. */
  idTokenSigner: CompactJwsSigner;
  createdAt: number;
  activatesAt: number;
}

export type SigningKeyState = 'next' | 'active' | 'retired' | 'expired';

export interface SigningKeyStatus {
  kid: string;
  alg: SigningAlg;
  purpose: SigningKeyPurpose;
  state: SigningKeyState;
  createdAt: number;
  activatesAt: number;
  /** When a retired key leaves the JWKS (its last token has expired); null while it may still sign. */
  publishedUntil: number | null;
}

export const ACCESS_TOKEN_TYP = 'at+jwt';
/** OIDC Core §2 and RFC 8725 §3.11: an ID token's typ, distinct from an access token's. */
export const ID_TOKEN_TYP = 'JWT';
/** OIDC Core §15.1: ID tokens are signed RS256, whatever algorithm signs access tokens. */
export const ID_TOKEN_ALG = 'RS256' satisfies SigningAlg;
/** Extra time a retired key stays published, for clock skew and in-flight requests. */
const RETENTION_MARGIN_MS = 5 * 60_000;

export class NoSigningKeyError extends Error {
  override name = 'NoSigningKeyError';
}

/**
 * The signing keys: creation, rotation, which key signs now, and which are published. Keys move
 * next -> active -> retired -> expired by time alone, so every instance agrees without coordination.
 * Two lines of keys: access-token keys (the configured algorithm), and, when that algorithm is not RS256,
 * RS256 keys for ID tokens; each line rotates on its own. With no ID-token key, an RS256 access-token key
 * signs ID tokens too (with typ JWT).
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
    /** Longest lifetime of an ID token, seconds: how long a retired key that signed them stays published. */
    private readonly maxIdTokenLifetime: () => number = maxTokenLifetime,
  ) {}

  /** Loads every stored key; throws KeyDecryptionError when the master secret does not fit. */
  async load(): Promise<void> {
    const stored = await this.repository.all();
    this.keys = stored.map((key) => this.importKey(key));
  }

  get loaded(): boolean {
    return this.keys.length > 0;
  }

  /** Whether an ID-token key line exists (it is then rotated with the access-token keys). */
  get hasIdTokenKeys(): boolean {
    return this.keys.some((key) => key.purpose === 'id_token');
  }

  /**
   * Makes sure a key of `alg` signs: creates the first key on an empty store, or, when the configured
   * algorithm changed, rotates to a key of it that is published at once and signs after
   * `activationDelaySeconds` (resource servers with a cached JWKS learn it first). Safe when several
   * instances start together.
   */
  async ensureSigningKey(alg: SigningAlg, activationDelaySeconds: number): Promise<void> {
    await this.load();
    if (!this.keys.some((key) => key.purpose === 'access_token')) {
      const key = await this.createKey(alg, Date.now(), 'access_token');
      try {
        await this.repository.insertIfEmpty(key);
      } catch (error) {
        // Another process created the first key at the same moment (SQLite refuses the stale write).
        await this.load();
        if (!this.keys.some((stored) => stored.purpose === 'access_token')) throw error;
      }
      await this.load();
    }
    const now = Date.now();
    const current = this.signingKeyAt(now);
    const pending = this.keys.find((key) => key.purpose === 'access_token' && key.activatesAt > now && key.alg === alg);
    if (current.alg !== alg && !pending) {
      await this.rotateLine(alg, activationDelaySeconds, 'access_token');
    }
  }

  /**
   * Makes sure ID tokens can be signed RS256: when access tokens are signed with another algorithm and no
   * ID-token key exists, creates one. It signs at once on a first start (nobody holds ID tokens yet); after
   * `activationDelaySeconds` when an RS256 access-token key signed ID tokens until now. Safe when several
   * instances start together.
   */
  async ensureIdTokenKey(accessTokenAlg: SigningAlg, activationDelaySeconds: number): Promise<void> {
    await this.load();
    if (accessTokenAlg === ID_TOKEN_ALG || this.hasIdTokenKeys) return;
    const signedBefore = this.keys.some((key) => key.alg === ID_TOKEN_ALG);
    const key = await this.createKey(ID_TOKEN_ALG, Date.now() + (signedBefore ? activationDelaySeconds * 1000 : 0), 'id_token');
    try {
      await this.repository.insertIfEmpty(key);
    } catch (error) {
      await this.load();
      if (!this.hasIdTokenKeys) throw error;
    }
    await this.load();
  }

  /**
   * Adds an access-token key of `alg` that is published at once and starts signing after `delaySeconds`;
   * when ID tokens have keys of their own, adds one of those alike. Answers the access-token key's state.
   */
  async rotate(alg: SigningAlg, delaySeconds: number): Promise<SigningKeyStatus> {
    const rotateIdTokenKey = this.hasIdTokenKeys;
    const status = await this.rotateLine(alg, delaySeconds, 'access_token');
    if (rotateIdTokenKey) await this.rotateLine(ID_TOKEN_ALG, delaySeconds, 'id_token');
    return status;
  }

  private async rotateLine(alg: SigningAlg, delaySeconds: number, purpose: SigningKeyPurpose): Promise<SigningKeyStatus> {
    const now = Date.now();
    const stored = await this.createKey(alg, now + delaySeconds * 1000, purpose);
    await this.repository.insert(stored);
    await this.load();
    const status = this.status(now).find((key) => key.kid === stored.kid);
    if (!status) throw new Error('rotated key not found after insert');
    return status;
  }

  /** The key that signs access tokens at `now`: the access-token key activated most recently. */
  signingKeyAt(now: number): SigningKey {
    // On every access token: a plain loop over the few keys.
    let chosen: SigningKey | undefined;
    let first: SigningKey | undefined;
    for (const key of this.keys) {
      if (key.purpose !== 'access_token') continue;
      first ??= key;
      if (key.activatesAt <= now) chosen = key;
    }
    chosen ??= first;
    if (!chosen) throw new NoSigningKeyError('no signing key loaded');
    return chosen;
  }

  /**
   * The key that signs ID tokens of `alg` at `now` (its `idTokenSigner` sets typ JWT). RS256 (the default,
   * OIDC Core §15.1): the ID-token key activated most recently; before one is active, the latest RS256
   * access-token key. The configured access-token algorithm (a client that asked for it): the access-token
   * key. No other algorithm has a key.
   */
  idTokenKeyAt(now: number, alg: SigningAlg = ID_TOKEN_ALG): SigningKey {
    const chosen = alg === ID_TOKEN_ALG ? this.idTokenSigningKey(now) : this.signingKeyAt(now);
    if (chosen?.alg !== alg) throw new NoSigningKeyError(`no ${alg} key signs ID tokens`);
    return chosen;
  }

  private idTokenSigningKey(now: number): SigningKey | undefined {
    const idTokenKey = latestActivated(this.keys, now, (key) => key.purpose === 'id_token', false);
    if (idTokenKey) return idTokenKey;
    const accessTokenKey = latestActivated(this.keys, now, (key) => key.purpose === 'access_token' && key.alg === ID_TOKEN_ALG, false);
    return accessTokenKey ?? latestActivated(this.keys, now, (key) => key.purpose === 'id_token');
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
    const signing = latestActivated(this.keys, now, (key) => key.purpose === 'access_token');
    const signingIdTokens = this.idTokenSigningKey(now);
    return this.keys.map((key, index) => {
      const publishedUntil = this.publishedUntil(index, now);
      let state: SigningKeyState;
      if (key === signing || key === signingIdTokens) state = 'active';
      else if (key.activatesAt > now) state = 'next';
      else state = publishedUntil !== null && publishedUntil <= now ? 'expired' : 'retired';
      return { kid: key.kid, alg: key.alg, purpose: key.purpose, state, createdAt: key.createdAt, activatesAt: key.activatesAt, publishedUntil };
    });
  }

  /** When the key at `index` stopped signing (a later key of its line became active), or null if it has not. */
  private supersededAt(index: number, now: number): number | null {
    const key = this.keys[index];
    if (!key) return null;
    for (let later = index + 1; later < this.keys.length; later++) {
      const successor = this.keys[later];
      if (successor && successor.purpose === key.purpose && successor.activatesAt <= now && successor.activatesAt >= key.activatesAt) return successor.activatesAt;
    }
    return null;
  }

  /** When the key at `index` leaves the JWKS: the last token it signed has expired (null: it may still sign). */
  private publishedUntil(index: number, now: number): number | null {
    const key = this.keys[index];
    const supersededAt = this.supersededAt(index, now);
    if (!key || supersededAt === null) return null;
    // An RS256 access-token key may have signed ID tokens as well. (ID tokens a client asked to have signed
    // with the access-token algorithm are checked on receipt: the access-token retention covers them.)
    const accessTokens = key.purpose === 'access_token' ? this.maxTokenLifetime() : 0;
    const idTokens = key.alg === ID_TOKEN_ALG ? this.maxIdTokenLifetime() : 0;
    return supersededAt + Math.max(accessTokens, idTokens) * 1000 + RETENTION_MARGIN_MS;
  }

  private isPublished(index: number, now: number): boolean {
    const publishedUntil = this.publishedUntil(index, now);
    return publishedUntil === null || publishedUntil > now;
  }

  private importKey(stored: StoredSigningKey): SigningKey {
    const alg = SIGNING_ALGS.find((candidate) => candidate === stored.alg);
    if (!alg) throw new Error(`stored signing key ${stored.kid} has unsupported alg ${stored.alg}`);
    const privateJwk = JSON.parse(this.encryption.decrypt(stored.privateJwkEncrypted, stored.kid)) as JWK;
    const privateKey = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
    const publicJwk = JSON.parse(stored.publicJwk) as JWK;
    const purpose = stored.purpose ?? 'access_token';
    if (purpose === 'id_token' && alg !== ID_TOKEN_ALG) throw new Error(`stored ID-token signing key ${stored.kid} has alg ${alg}, not ${ID_TOKEN_ALG}`);
    const idTokenSigner = new CompactJwsSigner(privateKey, alg, stored.kid, ID_TOKEN_TYP, this.signingThread);
    return {
      kid: stored.kid,
      alg,
      purpose,
      publicJwk,
      publicKey: createPublicKey(privateKey),
      signer: purpose === 'id_token' ? idTokenSigner : new CompactJwsSigner(privateKey, alg, stored.kid, ACCESS_TOKEN_TYP, this.signingThread),
      idTokenSigner,
      createdAt: stored.createdAt,
      activatesAt: stored.activatesAt,
    };
  }

  private async createKey(alg: SigningAlg, activatesAt: number, purpose: SigningKeyPurpose): Promise<StoredSigningKey> {
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
      purpose,
    };
  }
}

/**
 * The key of `keys` (in activation order) that matches and was activated most recently at `now`; with
 * `orFirst`, when none is active yet, the first that matches.
 */
function latestActivated(keys: readonly SigningKey[], now: number, matches: (key: SigningKey) => boolean, orFirst = true): SigningKey | undefined {
  let chosen: SigningKey | undefined;
  let first: SigningKey | undefined;
  for (const key of keys) {
    if (!matches(key)) continue;
    first ??= key;
    if (key.activatesAt <= now) chosen = key;
  }
  return chosen ?? (orFirst ? first : undefined);
}
