import { hkdfSync } from 'node:crypto';
import { KeyEncryption } from './key-encryption.js';

/**
 * Seals the access token of a launch link (issue 20) with AES-256-GCM (KeyEncryption) under a key derived,
 * for each link, from the master secret's launch key and the link's random id. The database keeps only the
 * id's digest, so a copy of the database (even with the master secret) cannot open a pending token: that
 * takes the link itself, which only its caller and the browser it hands it to ever see. `context` (the id's
 * digest) is bound as associated data.
 */
export class LaunchTokenSeal {
  constructor(private readonly launchKey: Buffer) {}

  seal(token: string, linkId: string, context: string): string {
    return this.encryptionFor(linkId).encrypt(token, context);
  }

  /** The token, or undefined when the sealed text was not made for this link (or is damaged). */
  open(sealed: string, linkId: string, context: string): string | undefined {
    try {
      return this.encryptionFor(linkId).decrypt(sealed, context);
    } catch {
      return undefined;
    }
  }

  private encryptionFor(linkId: string): KeyEncryption {
    return new KeyEncryption(Buffer.from(hkdfSync('sha256', this.launchKey, Buffer.from(linkId, 'utf8'), 'gatehouse/v1/launch-token', 32)));
  }
}
