/** What a key signs: access tokens, or OpenID Connect ID tokens (an RS256 key beside access-token keys of another algorithm). */
export type SigningKeyPurpose = 'access_token' | 'id_token';

export interface StoredSigningKey {
  kid: string;
  alg: string;
  publicJwk: string;
  privateJwkEncrypted: string;
  createdAt: number;
  activatesAt: number;
  /** Absent: 'access_token' (keys stored before ID tokens existed). */
  purpose?: SigningKeyPurpose;
}

/** What the signing-key set needs from storage; `store/signing-keys-repository.ts` implements it. */
export interface SigningKeysStore {
  all(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
  /** Inserts the first key of its purpose unless another instance got there first; true when this one was stored. */
  insertIfEmpty(key: StoredSigningKey): Promise<boolean>;
}
