import autocannon, { type Options, type Result } from 'autocannon';
import { loadGeneratorCpuMicros, processCpuMicros } from './process-cpu.js';

/** CPU time per request of a run, in microseconds: the server's (all its threads) and the load generator's. */
export interface CpuPerRequest {
  server: number;
  loadGenerator: number;
}

/** An autocannon run with, when the server's process was given, the CPU each side spent per request. */
export type MeasuredResult = Result & { cpu?: CpuPerRequest };

/** The figures of one scenario: the median run by requests/s, and every run's rate. */
export interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  runs: number[];
  /** CPU per request (median of the runs), when it was measured. */
  cpu?: CpuPerRequest;
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

/**
 * One autocannon run against the server process `pid`, with the CPU time that process (every thread) and
 * this one (the load generator) spent per request. On a shared machine this is the figure that the load
 * generator's own share and the scheduler do not blur.
 */
export async function runMeasuringCpu(options: Options, pid: number): Promise<MeasuredResult> {
  const server = processCpuMicros(pid);
  const loadGenerator = loadGeneratorCpuMicros();
  const result = await autocannon(options);
  const requests = Math.max(1, result.requests.total);
  const cpu = { server: (processCpuMicros(pid) - server) / requests, loadGenerator: (loadGeneratorCpuMicros() - loadGenerator) / requests };
  return { ...result, cpu };
}

/** The median of several runs by requests/s; its latency and errors are that run's; CPU per request the median of the runs'. */
export function median(results: MeasuredResult[]): Measurement {
  const byRate = [...results].sort((a, b) => a.requests.average - b.requests.average);
  const chosen = byRate[Math.floor(byRate.length / 2)];
  if (!chosen) throw new Error('no results');
  return {
    requestsPerSecond: Math.round(chosen.requests.average),
    p50: chosen.latency.p50,
    p99: chosen.latency.p99,
    errors: failures(chosen),
    runs: results.map((result) => Math.round(result.requests.average)),
    ...medianCpu(results),
  };
}

/** The median of the runs' CPU per request, each side on its own (not only the median run's: it is steadier than the rate). */
function medianCpu(results: MeasuredResult[]): { cpu?: CpuPerRequest } {
  const measured = results.flatMap((result) => (result.cpu ? [result.cpu] : []));
  if (measured.length === 0) return {};
  const middle = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0);
  return { cpu: { server: middle(measured.map((cpu) => cpu.server)), loadGenerator: middle(measured.map((cpu) => cpu.loadGenerator)) } };
}
