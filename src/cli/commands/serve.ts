import type { Command } from 'commander';
import type { GatehouseConfig } from '../../config/config.js';
import { ConfigError } from '../../config/config-schema.js';
import { openGatehouse } from '../../gatehouse.js';
import { buildServer } from '../../server/build-server.js';
import { installGracefulShutdown } from '../../server/graceful-shutdown.js';
import { createLogger } from '../../server/logger.js';
import { announceWorkerReady, isClusterWorker, runClusterPrimary, workerCount, workerLogger } from '../../server/worker-cluster.js';
import { announceAdminToken, configFrom } from '../context.js';
import { firstRunNotice } from '../first-run-notice.js';

/** A port or address the server cannot listen on, as one line naming the setting to change. */
export function listenError(error: unknown, config: Pick<GatehouseConfig, 'host' | 'port'>): unknown {
  const where = `${config.host}:${config.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ConfigError('PORT', `${where} is already in use; choose a free port (0 picks one)`);
    case 'EACCES':
      return new ConfigError('PORT', `not allowed to listen on ${where}; ports below 1024 need privileges`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError('HOST', `${config.host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 (all addresses) or one of its own`);
    default:
      return error;
  }
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the authorization server')
    .option('--workers <n>', 'worker processes sharing the port (node:cluster); default GATEHOUSE_WORKERS or 1')
    .action(async (options: { workers?: string }, command: Command) => {
      const config = configFrom(command);
      const workers = workerCount(options.workers, config);
      if (workers > 1 && !isClusterWorker()) {
        await runClusterPrimary(config, workers, createLogger(config.logLevel), async (gatehouse) => {
          announceAdminToken(gatehouse.generatedAdminToken, process.stdout);
          process.stdout.write(firstRunNotice(await gatehouse.adminSetup.offer(), config.issuer));
        });
        return;
      }
      const logger = workerLogger(createLogger(config.logLevel));
      const gatehouse = await openGatehouse(config, logger, { watchChanges: true });
      const app = await buildServer(gatehouse);
      try {
        await app.listen({ port: config.port, host: config.host });
      } catch (error) {
        await app.close().catch(() => undefined);
        await gatehouse.close().catch(() => undefined);
        throw listenError(error, config);
      }
      const address = app.server.address();
      if (config.port === 0 && config.issuer === 'http://127.0.0.1:0' && address && typeof address === 'object') {
        config.issuer = `http://127.0.0.1:${address.port}`;
      }
      logger.info({ issuer: config.issuer, store: gatehouse.store.location, signingAlg: config.signingAlg }, 'gatehouse ready');
      announceWorkerReady();
      announceAdminToken(gatehouse.generatedAdminToken, process.stdout);
      // A cluster's primary announced the first run before it forked the workers.
      if (!isClusterWorker()) process.stdout.write(firstRunNotice(await gatehouse.adminSetup.offer(), config.issuer));

      installGracefulShutdown(app, gatehouse, { graceMs: config.shutdownGraceMs });
    });
}
