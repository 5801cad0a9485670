import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { GatehouseConfig } from '../config/config.js';
import { ConfigError } from '../config/config-schema.js';
import { openGatehouse, type Gatehouse } from '../gatehouse.js';
import { answerMetricsRequests, createMetricsAggregator } from './cluster-metrics.js';

/** Message a worker sends to the primary once it listens. */
const READY_MESSAGE = 'gatehouse:worker-ready';
/** A worker that ran this long before it exited counts as healthy: its restart starts the backoff afresh. */
const HEALTHY_RUN_MS = 30_000;
const FIRST_RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 30_000;
/** Beyond the workers' own shutdown grace (GATEHOUSE_SHUTDOWN_GRACE_MS), how long the primary waits before killing them. */
const WORKER_EXIT_MARGIN_MS = 10_000;

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** The number of workers: `--workers N` if given, else GATEHOUSE_WORKERS. */
export function workerCount(flag: string | undefined, config: Pick<GatehouseConfig, 'workers'>): number {
  if (flag === undefined) return config.workers;
  if (!/^\d+$/.test(flag) || Number(flag) < 1 || Number(flag) > 256) throw new ConfigError('--workers', 'must be an integer from 1 to 256');
  return Number(flag);
}

/** In a worker, log lines carry the worker's number and process id, so operators can tell them apart. */
export function workerLogger(logger: Logger): Logger {
  return cluster.isWorker && cluster.worker ? logger.child({ worker: cluster.worker.id, pid: process.pid }) : logger;
}

/**
 * In a worker, tells the primary that the server listens (the primary then knows start-up worked). From
 * then on a repeated SIGTERM/SIGINT does not kill the worker mid-shutdown: Ctrl-C signals the whole process
 * group and the primary forwards the signal as well. (The worker's own shutdown is bounded in time, and
 * ignores a second signal too.)
 */
export function announceWorkerReady(): void {
  if (!cluster.isWorker) return;
  const ignoreRepeat = () => undefined;
  process.on('SIGTERM', ignoreRepeat);
  process.on('SIGINT', ignoreRepeat);
  process.send?.(READY_MESSAGE);
}

/** Delay before restarting a worker after `crashes` consecutive early exits: 250 ms, doubling, at most 30 s. */
export function restartDelay(crashes: number): number {
  return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** Math.max(0, crashes - 1));
}

/**
 * The primary of `gatehouse serve --workers N`: prepares the database once (migrations, the first signing
 * key, the generated admin token) before any worker exists, forks N workers that share the port (the
 * primary accepts connections and hands them out in turn), restarts a worker that dies (with backoff),
 * forwards SIGTERM/SIGINT to every worker and exits 0 once all have exited. A worker that fails before any
 * worker ever listened (a bad port, say) ends the primary with exit code 1 instead of a restart loop.
 */
export async function runClusterPrimary(config: GatehouseConfig, workers: number, logger: Logger, announceFirstStart: (gatehouse: Gatehouse) => Promise<void>): Promise<void> {
  const gatehouse = await openGatehouse(config, logger);
  try {
    await announceFirstStart(gatehouse);
  } finally {
    await gatehouse.close();
  }

  const aggregator = createMetricsAggregator();
  let stopping = false;
  let exitCode = 0;
  let anyReady = false;
  let crashes = 0;
  const startedAt = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    logger.info({ worker: worker.id, pid: worker.process.pid }, 'worker started');
    answerMetricsRequests(worker, aggregator);
    worker.on('message', (message: unknown) => {
      if (message !== READY_MESSAGE) return;
      anyReady = true;
    });
  };

  const finishIfAllExited = () => {
    if (Object.keys(cluster.workers ?? {}).length > 0 || restarts.size > 0) return;
    logger.info('all workers exited');
    process.exit(exitCode);
  };

  const stop = (signal: NodeJS.Signals, reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, reason }, 'stopping workers');
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => {
      logger.warn('workers did not exit in time; killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownGraceMs + WORKER_EXIT_MARGIN_MS).unref();
    finishIfAllExited();
  };

  cluster.on('exit', (worker, code, signal) => {
    const ranFor = Date.now() - (startedAt.get(worker) ?? Date.now());
    startedAt.delete(worker);
    if (stopping) {
      logger.info({ worker: worker.id, pid: worker.process.pid, code, signal }, 'worker exited');
      finishIfAllExited();
      return;
    }
    if (!anyReady) {
      logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'worker failed at start-up; stopping');
      exitCode = 1;
      stop('SIGTERM', 'start-up failed');
      return;
    }
    crashes = ranFor >= HEALTHY_RUN_MS ? 1 : crashes + 1;
    const delay = restartDelay(crashes);
    logger.warn({ worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited; restarting it');
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    restarts.add(timer);
  });

  process.once('SIGTERM', () => stop('SIGTERM', 'SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT', 'SIGINT'));
  for (let i = 0; i < workers; i++) fork();
}
