/** Lookups of an in-memory cache: found there (hit) or not (miss). Read by the metrics endpoint. */
export class CacheStats {
  hits = 0;
  misses = 0;

  record(hit: boolean): void {
    if (hit) this.hits += 1;
    else this.misses += 1;
  }
}
