import { hash, verify } from '@node-rs/argon2';

/** Algorithm.Argon2id of @node-rs/argon2 (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;

/**
 * argon2id hashing of user passwords. @node-rs/argon2 runs on libuv's thread pool, so hashing never
 * blocks the event loop. Parameters: OWASP's first recommendation (19 MiB, 2 passes, 1 lane).
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification without a user, so unknown usernames take as long as known ones. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('gatehouse-dummy-password-for-equal-timing');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
