import { addressKey } from '../limits/address-key.js';
import { WindowCounter } from '../limits/window-counter.js';

/** How long one sample stands for its kind and address. */
const SAMPLE_WINDOW_MS = 60_000;

/**
 * Refusals that cost their sender nothing are audited as a sample: the first of each kind per source address
 * (IPv6 by /64) and minute is recorded, the rest only counted in metrics, so that nobody can fill the audit
 * log by sending them. Memory is bounded like every WindowCounter.
 */
export class RefusalSample {
  private readonly seen = new WindowCounter(() => ({ max: 1, windowMs: SAMPLE_WINDOW_MS }));

  /** True for the first refusal of `kind` from `address` within the minute: the one to record. */
  first(kind: string, address: string): boolean {
    return this.seen.take(`${kind} ${addressKey(address)}`) === 0;
  }
}
