import { randomBytes, hkdfSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Keys derived from the master secret, one per purpose. */
export interface DerivedKeys {
  /** AES-256-GCM key that encrypts signing keys at rest. */
  keyEncryptionKey: Buffer;
  /** HMAC-SHA256 key that turns client secrets and the admin token into digests. */
  secretDigestKey: Buffer;
  /** Key from which each launch link's token-sealing key is derived (with the link's id; keys/launch-token-seal.ts). */
  launchTokenKey: Buffer;
}

const MASTER_FILE = 'master.key';

/**
 * Returns the master secret: the configured one, or the one kept in `<dataDir>/master.key`
 * (created with mode 0600 on first start).
 */
export function loadMasterSecret(configured: string | undefined, dataDir: string): { secret: Buffer; generated: boolean } {
  if (configured) return { secret: Buffer.from(configured, 'base64url'), generated: false };
  const file = join(dataDir, MASTER_FILE);
  try {
    const text = readFileSync(file, 'utf8').trim();
    return { secret: Buffer.from(text, 'base64url'), generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  try {
    // 'wx' fails if another process created it first; then use theirs.
    writeFileSync(file, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url'), generated: false };
  }
}

export function deriveKeys(masterSecret: Buffer): DerivedKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterSecret, Buffer.alloc(0), info, 32));
  return {
    keyEncryptionKey: derive('gatehouse/v1/key-encryption'),
    secretDigestKey: derive('gatehouse/v1/secret-digest'),
    launchTokenKey: derive('gatehouse/v1/launch-token'),
  };
}
