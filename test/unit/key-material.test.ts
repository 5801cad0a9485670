import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyDecryptionError, KeyEncryption } from '../../src/keys/key-encryption.js';
import { deriveKeys, loadMasterSecret } from '../../src/keys/master-secret.js';
import { generateSecret, SecretDigester } from '../../src/keys/secret-digest.js';

describe('key encryption at rest', () => {
  const keys = deriveKeys(Buffer.alloc(32, 7));
  const box = new KeyEncryption(keys.keyEncryptionKey);

  it('round-trips and binds the context', () => {
    const sealed = box.encrypt('{"d":"secret"}', 'kid-1');
    expect(sealed).not.toContain('secret');
    expect(box.decrypt(sealed, 'kid-1')).toBe('{"d":"secret"}');
    expect(() => box.decrypt(sealed, 'kid-2')).toThrow(KeyDecryptionError);
  });

  it('refuses another master secret and tampered ciphertext', () => {
    const sealed = box.encrypt('material', 'kid');
    const other = new KeyEncryption(deriveKeys(Buffer.alloc(32, 8)).keyEncryptionKey);
    expect(() => other.decrypt(sealed, 'kid')).toThrow(KeyDecryptionError);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[2] = body.toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 'kid')).toThrow(KeyDecryptionError);
  });
});

describe('secret digests', () => {
  it('match only the right secret, under the right key', () => {
    const digester = new SecretDigester(deriveKeys(Buffer.alloc(32, 1)).secretDigestKey);
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(secret);
    const digest = digester.digest(secret);
    expect(digest).not.toContain(secret);
    expect(digester.matches(secret, digest)).toBe(true);
    expect(digester.matches(`${secret}x`, digest)).toBe(false);
    expect(digester.matches(secret, null)).toBe(false);
    expect(digester.matches(secret, 'short')).toBe(false);
    const otherKey = new SecretDigester(deriveKeys(Buffer.alloc(32, 2)).secretDigestKey);
    expect(otherKey.digest(secret)).not.toBe(digest);
  });
});

describe('master secret', () => {
  it('is generated once with mode 0600, reused after, and overridden by configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-master-'));
    try {
      const first = loadMasterSecret(undefined, dir);
      expect(first.generated).toBe(true);
      expect(first.secret).toHaveLength(32);
      expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
      const second = loadMasterSecret(undefined, dir);
      expect(second.generated).toBe(false);
      expect(second.secret.equals(first.secret)).toBe(true);
      const configured = loadMasterSecret(Buffer.alloc(32, 3).toString('base64url'), dir);
      expect(configured.secret.equals(Buffer.alloc(32, 3))).toBe(true);
      const derived = deriveKeys(first.secret);
      expect(derived.keyEncryptionKey.equals(derived.secretDigestKey)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
