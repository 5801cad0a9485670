import { describe, expect, it } from 'vitest';
import { KeyEncryption } from '../../src/keys/key-encryption.js';
import { deriveKeys } from '../../src/keys/master-secret.js';
import { SigningKeys } from '../../src/keys/signing-keys.js';
import type { SigningKeysStore, StoredSigningKey } from '../../src/keys/signing-keys-store.js';

/** The repository's contract in memory: keys in activation order. */
function memoryRepository(): SigningKeysStore {
  const rows: StoredSigningKey[] = [];
  const sorted = () => [...rows].sort((a, b) => a.activatesAt - b.activatesAt || a.createdAt - b.createdAt);
  return {
    all: () => Promise.resolve(sorted()),
    insert: (key: StoredSigningKey) => {
      rows.push(key);
      return Promise.resolve();
    },
    insertIfEmpty: (key: StoredSigningKey) => {
      if (rows.length > 0) return Promise.resolve(false);
      rows.push(key);
      return Promise.resolve(true);
    },
  };
}

const MAX_TOKEN_LIFETIME_S = 3600;
const RETENTION_MARGIN_MS = 5 * 60_000;

function signingKeys(): SigningKeys {
  return new SigningKeys(memoryRepository(), new KeyEncryption(deriveKeys(Buffer.alloc(32, 9)).keyEncryptionKey), () => MAX_TOKEN_LIFETIME_S);
}

const kids = (keys: SigningKeys, now: number) => keys.jwks(now).keys.map((key) => key.kid);

describe('signing keys', () => {
  it('publishes a rotated key before it signs', async () => {
    const keys = signingKeys();
    await keys.ensureSigningKey('ES256', 300);
    const first = keys.signingKeyAt(Date.now());
    const next = await keys.rotate('ES256', 600);
    const now = Date.now();
    expect(kids(keys, now)).toEqual([first.kid, next.kid]);
    expect(keys.signingKeyAt(now).kid).toBe(first.kid);
    expect(keys.signingKeyAt(next.activatesAt).kid).toBe(next.kid);
    expect(keys.status(now).map((key) => key.state)).toEqual(['active', 'next']);
  });

  it('keeps a retired key published until every token it signed has expired, then drops it', async () => {
    const keys = signingKeys();
    await keys.ensureSigningKey('ES256', 300);
    const old = keys.signingKeyAt(Date.now());
    const successor = await keys.rotate('ES256', 0);
    // The last token the old key signed was issued just before the successor took over.
    const lastExpiry = successor.activatesAt + MAX_TOKEN_LIFETIME_S * 1000;

    for (const at of [successor.activatesAt, lastExpiry - 1, lastExpiry + RETENTION_MARGIN_MS - 1]) {
      expect(kids(keys, at)).toContain(old.kid);
      expect(keys.verificationKey(old.kid, at)?.kid).toBe(old.kid);
      expect(keys.signingKeyAt(at).kid).toBe(successor.kid);
    }
    expect(keys.status(lastExpiry).find((key) => key.kid === old.kid)).toMatchObject({ state: 'retired', publishedUntil: lastExpiry + RETENTION_MARGIN_MS });

    const gone = lastExpiry + RETENTION_MARGIN_MS;
    expect(kids(keys, gone)).toEqual([successor.kid]);
    expect(keys.verificationKey(old.kid, gone)).toBeUndefined();
    expect(keys.status(gone).find((key) => key.kid === old.kid)?.state).toBe('expired');
  });

  it('rotates to a newly configured algorithm by publishing first and signing after the activation delay', async () => {
    const keys = signingKeys();
    await keys.ensureSigningKey('ES256', 300);
    const es256 = keys.signingKeyAt(Date.now());

    await keys.ensureSigningKey('EdDSA', 300);
    const now = Date.now();
    const published = keys.jwks(now).keys;
    expect(published.map((key) => key.alg)).toEqual(['ES256', 'EdDSA']);
    expect(keys.signingKeyAt(now).kid).toBe(es256.kid);
    const eddsa = published[1];
    const pending = keys.status(now).find((key) => key.kid === eddsa?.kid);
    expect(pending?.state).toBe('next');
    expect(keys.signingKeyAt(pending?.activatesAt ?? 0).alg).toBe('EdDSA');

    // Restarting again with the same setting while the key waits adds no further key.
    await keys.ensureSigningKey('EdDSA', 300);
    expect(keys.jwks(Date.now()).keys).toHaveLength(2);
  });
});
