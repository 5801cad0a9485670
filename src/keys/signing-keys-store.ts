export interface StoredSigningKey {
  kid: string;
  alg: string;
  publicJwk: string;
  privateJwkEncrypted: string;
  createdAt: number;
  activatesAt: number;
}

/** What the signing-key set needs from storage; `store/signing-keys-repository.ts` implements it. */
export interface SigningKeysStore {
  all(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
  /** Inserts the first key unless another instance got there first; true when this one was stored. */
  insertIfEmpty(key: StoredSigningKey): Promise<boolean>;
}
