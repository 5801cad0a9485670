import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../shared/signing-algs.js';

/** Messages between SigningThread (main thread) and signing-worker. */
export type SigningRequest =
  /** A key the later batches name by `keyId`; the KeyObject is cloned into the worker, never serialized. */
  | { kind: 'key'; keyId: number; key: KeyObject; alg: SigningAlg }
  /** Signing inputs (`header.payload`), each with the key to sign it. */
  | { kind: 'sign'; batch: number; keyIds: number[]; inputs: string[] }
  | { kind: 'close' };

/** Per input of the batch, in order: its base64url signature, or why it could not be signed. */
export type SigningReply = { batch: number; signatures: (string | { error: string })[] };
