import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keyed digests of high-entropy secrets (client secrets, the admin token), compared in constant time. */
export class SecretDigester {
  constructor(private readonly key: Buffer) {}

  digest(secret: string): string {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest('base64url');
  }

  /** Constant-time check of a presented secret against a stored digest. */
  matches(secret: string, storedDigest: string | null): boolean {
    if (storedDigest === null) return false;
    const presented = createHmac('sha256', this.key).update(secret, 'utf8').digest();
    const stored = Buffer.from(storedDigest, 'base64url');
    return stored.length === presented.length && timingSafeEqual(presented, stored);
  }
}

/** A random 256-bit secret, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}
