import type { Logger } from 'pino';

/**
 * Whether the database answers, as last seen by anything that talked to it (the change feed, its
 * listening connection, readiness checks, requests). Logs the start and end of an outage once each,
 * never per request.
 */
export class StoreAvailability {
  private downSince: number | undefined;
  private readonly announcedFromCache = new Set<string>();

  constructor(private readonly logger: Pick<Logger, 'warn' | 'info'>) {}

  get available(): boolean {
    return this.downSince === undefined;
  }

  /** Something could not reach the database. */
  reportFailure(source: string, error?: unknown): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.logger.warn({ source, reason: reasonOf(error) }, 'database unavailable; requests that need it answer 503 until it is back');
  }

  /** Something just talked to the database successfully. */
  reportSuccess(): void {
    if (this.downSince === undefined) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.announcedFromCache.clear();
    this.logger.info({ downMs }, 'database available again');
  }

  /** Records that a request was served from the in-memory caches alone; logged once per outage and kind. */
  servedFromCache(what: string): void {
    if (this.downSince === undefined || this.announcedFromCache.has(what)) return;
    this.announcedFromCache.add(what);
    this.logger.warn({ served: what }, `database unavailable; serving ${what} from cached clients and signing keys`);
  }
}

function reasonOf(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  // Driver messages do not carry credentials, but keep them to one bounded line.
  return text.replace(/[\r\n]+/g, ' ').slice(0, 200);
}
