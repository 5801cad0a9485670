import autocannon, { type Options, type Result } from 'autocannon';

/** The figures of one scenario: the median run by requests/s, and every run's rate. */
export interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  runs: number[];
}

/** Failed requests of a run: socket errors, timeouts and non-2xx answers. */
export function failures(result: Result): number {
  return result.errors + result.timeouts + result.non2xx;
}

/** Successful requests per second of a run (what a pool of single-use assertions must cover). */
export function successRate(result: Result, seconds: number): number {
  return result['2xx'] / seconds;
}

/** One autocannon run. */
export function run(options: Options): Promise<Result> {
  return autocannon(options);
}

/** The median of several runs by requests/s; its latency and errors are that run's. */
export function median(results: Result[]): Measurement {
  const byRate = [...results].sort((a, b) => a.requests.average - b.requests.average);
  const chosen = byRate[Math.floor(byRate.length / 2)];
  if (!chosen) throw new Error('no results');
  return {
    requestsPerSecond: Math.round(chosen.requests.average),
    p50: chosen.latency.p50,
    p99: chosen.latency.p99,
    errors: failures(chosen),
    runs: results.map((result) => Math.round(result.requests.average)),
  };
}
