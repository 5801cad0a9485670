import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../gatehouse.js';

export interface GracefulShutdownOptions {
  /** Longest in-flight requests may run after the signal before their connections are closed, milliseconds. */
  graceMs: number;
  /** Ends the process (tests pass their own). */
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

/** How often connections that became idle during the shutdown are closed, milliseconds. */
const IDLE_SWEEP_MS = 50;
/** Beyond the grace period, how long closing the change listener and the pool may take before exiting anyway. */
const CLOSE_BACKSTOP_MS = 5_000;

/**
 * On SIGTERM (or SIGINT): stop accepting connections at once, let in-flight requests finish (bounded by
 * the grace period; then their connections are closed), close the change listener and the database
 * pool, and exit 0. A second signal does not start a second shutdown.
 */
export function installGracefulShutdown(app: FastifyInstance, gatehouse: Pick<Gatehouse, 'close' | 'logger'>, options: GracefulShutdownOptions): () => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping: Promise<void> | undefined;

  const shutdown = (signal: string): Promise<void> => {
    stopping ??= (async () => {
      const logger = gatehouse.logger;
      logger.info({ signal, graceMs: options.graceMs }, 'shutting down: no new connections, finishing requests in flight');
      const grace = setTimeout(() => {
        logger.warn({ graceMs: options.graceMs }, 'grace period over; closing connections with requests still in flight');
        app.server.closeAllConnections();
      }, options.graceMs);
      grace.unref();
      // Connections whose last request just finished are idle now: close them, or keep-alive clients hold the shutdown.
      const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
      sweep.unref();
      const backstop = setTimeout(() => {
        logger.error('shutdown did not finish; exiting');
        exit(1);
      }, options.graceMs + CLOSE_BACKSTOP_MS);
      backstop.unref();
      let code = 0;
      try {
        await app.close();
        clearTimeout(grace);
        clearInterval(sweep);
        await gatehouse.close();
        logger.info('shut down');
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        code = 1;
      }
      clearTimeout(backstop);
      exit(code);
    })();
    return stopping;
  };

  for (const signal of signals) process.on(signal, () => void shutdown(signal));
  return () => shutdown('request');
}
