import type { onRequestHookHandler } from 'fastify';
import type { GatehouseConfig } from '../../config/config.js';
import { WindowCounter, type WindowRule } from '../../limits/window-counter.js';
import { addressKey } from '../../limits/address-key.js';
import { unverifiedClaim } from '../claimed-client.js';
import { OAuthError } from '../oauth-error.js';

/** The one answer of every rate limit: 429 `too_many_requests` (RFC 6749 error form) with Retry-After in whole seconds. */
export function tooManyRequests(what: string, retryAfterMs: number): OAuthError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new OAuthError(429, 'too_many_requests', `too many ${what}; retry in ${seconds} s`, { 'Retry-After': String(seconds) });
}

/**
 * An onRequest hook that counts every request against its source address (IPv6 by /64), on arrival and
 * before any work, in this process's memory: beyond `rule().max` per window it answers 429 with Retry-After.
 * `what` names the requests in the error description.
 */
export function addressLimit(what: string, rule: () => WindowRule): onRequestHookHandler {
  const byAddress = new WindowCounter(rule);
  return (request, _reply, done) => {
    const waitMs = byAddress.take(addressKey(request.ip));
    done(waitMs > 0 ? tooManyRequests(`${what} from this address`, waitMs) : undefined);
  };
}

/**
 * Limits of every token request (all grants of POST /oauth/token, and the application-token endpoint), in
 * this process's memory so that the hot path never waits for a network round trip:
 * - per source address: every request, counted on arrival before any work;
 * - per client: only requests whose client has proven who it is (authentication succeeded, or for a
 *   jwt-bearer grant without client authentication, its signed assertion gave a token). A request that
 *   merely names a client cannot spend that client's budget; it is counted against its address.
 */
export class TokenRateLimits {
  private readonly byClient: WindowCounter;
  /** onRequest hook of the token endpoints: counts the request against its source address. */
  readonly limitAddress: onRequestHookHandler;

  constructor(config: GatehouseConfig) {
    this.limitAddress = addressLimit('token requests', () => ({ max: config.tokenRateLimitPerAddress, windowMs: config.tokenRateLimitWindow * 1000 }));
    this.byClient = new WindowCounter(() => ({ max: config.tokenRateLimitPerClient, windowMs: config.tokenRateLimitWindow * 1000 }));
  }

  /** Counts a request of an authenticated client; throws 429 beyond its limit. */
  countClient(clientId: string): void {
    const waitMs = this.byClient.take(clientId);
    if (waitMs > 0) throw tooManyRequests('token requests for this client', waitMs);
  }

  /**
   * Before a jwt-bearer grant without client authentication: refuses at once when the client its
   * (not yet verified) assertion names has used up its budget, without counting. The grant counts with
   * `recordClient` once the assertion has proven the client.
   */
  refuseIfSpent(assertion: string | undefined): void {
    const waitMs = this.byClient.peek(unverifiedClaim(assertion, 'iss'));
    if (waitMs > 0) throw tooManyRequests('token requests for this client', waitMs);
  }

  /** Counts a request whose client was proven after the work was done (never refuses: the token is issued). */
  recordClient(clientId: string): void {
    this.byClient.take(clientId);
  }
}
