import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/** Lifetime of a pre-signed assertion, seconds: under the server's 300 s limit, long enough for a fill and a run. */
const LIFETIME = 240;
/** Assertions signed concurrently while filling. */
const BATCH = 256;

/**
 * Pre-signed single-use JWTs (client assertions, signed app requests), each with its own jti, so that
 * the load generator takes one per request instead of spending its CPU on signing during the run.
 * `fill` tops the pool up before a run; `take` is synchronous (autocannon's setupRequest). An empty pool
 * hands out the last assertion again: the server refuses the replay, so exhaustion shows as errors.
 */
export class AssertionPool {
  private readonly pool: string[] = [];
  private last = '';
  /** Requests that found the pool empty since the last fill. */
  exhausted = 0;

  constructor(
    private readonly key: CryptoKey,
    private readonly kid: string,
    private readonly claims: { iss: string; sub?: string; aud: string },
  ) {}

  get size(): number {
    return this.pool.length;
  }

  /** Tops the pool up to `count` fresh assertions (older ones are dropped: they may be near their expiry). */
  async fill(count: number): Promise<void> {
    this.pool.length = 0;
    this.exhausted = 0;
    while (this.pool.length < count) {
      const batch = Math.min(BATCH, count - this.pool.length);
      this.pool.push(...(await Promise.all(Array.from({ length: batch }, () => this.sign()))));
    }
  }

  take(): string {
    const assertion = this.pool.pop();
    if (assertion === undefined) {
      this.exhausted++;
      return this.last;
    }
    this.last = assertion;
    return assertion;
  }

  private sign(): Promise<string> {
    const payload: JWTPayload = { jti: randomUUID(), ...(this.claims.sub === undefined ? {} : { sub: this.claims.sub }) };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: this.kid })
      .setIssuer(this.claims.iss)
      .setAudience(this.claims.aud)
      .setIssuedAt()
      .setExpirationTime(`${LIFETIME}s`)
      .sign(this.key);
  }
}
