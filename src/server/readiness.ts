import type { Gatehouse } from '../gatehouse.js';
import { ping } from '../store/ping.js';

/** How long a readiness answer is reused, so that many probes cost the database one query. */
const CACHE_MS = 1_000;
/** Longest a readiness check waits for the database. */
const MAX_PING_MS = 2_000;

export interface Readiness {
  ready: boolean;
  checks: { database: boolean; keys: boolean };
}

/**
 * Whether this instance should receive traffic: the database answers within a short time and signing
 * keys are loaded. Concurrent probes share one check; an answer is reused for a second.
 */
export class ReadinessProbe {
  private last: { at: number; database: boolean } | undefined;
  private pending: Promise<boolean> | undefined;

  constructor(private readonly gatehouse: Pick<Gatehouse, 'store' | 'keys' | 'availability' | 'config'>) {}

  async check(now = Date.now()): Promise<Readiness> {
    const database = this.last && now - this.last.at < CACHE_MS ? this.last.database : await this.pingShared();
    const keys = this.gatehouse.keys.loaded;
    return { ready: database && keys, checks: { database, keys } };
  }

  private pingShared(): Promise<boolean> {
    this.pending ??= this.ping().then((database) => {
      this.last = { at: Date.now(), database };
      this.pending = undefined;
      return database;
    });
    return this.pending;
  }

  private async ping(): Promise<boolean> {
    const timeoutMs = Math.min(MAX_PING_MS, this.gatehouse.config.dbTimeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const result = await Promise.race([ping(this.gatehouse.store.db), timedOut]);
      if (result === 'timeout') throw new Error(`the database did not answer within ${timeoutMs} ms`);
      this.gatehouse.availability.reportSuccess();
      return true;
    } catch (error) {
      this.gatehouse.availability.reportFailure('readiness check', error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
