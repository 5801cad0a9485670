import type { Logger } from 'pino';
import type { GatehouseConfig } from '../config/config.js';
import type { StoreConnection } from '../store/database.js';
import type { StoreAvailability } from '../store/store-availability.js';
import type { ChangeFeed } from './change-feed.js';
import { PgChangeListener } from './pg-change-listener.js';

/**
 * Starts following changes made elsewhere. PostgreSQL: a LISTEN connection reads new events as soon as
 * they commit, and a slow safety poll catches anything a lost notification would miss. SQLite (where the
 * CLI is another process without notifications): a poll every GATEHOUSE_CHANGE_POLL_MS.
 * Returns the listener to close at shutdown (PostgreSQL only).
 */
export async function watchChanges(options: {
  store: StoreConnection;
  config: GatehouseConfig;
  changes: ChangeFeed;
  logger: Logger;
  availability: StoreAvailability;
}): Promise<PgChangeListener | undefined> {
  const { store, config, changes } = options;
  if (store.engine !== 'postgres' || !config.databaseUrl) {
    changes.start(config.changePollInterval);
    return undefined;
  }
  const listener = new PgChangeListener({
    databaseUrl: config.databaseUrl,
    timeoutMs: config.dbTimeoutMs,
    heartbeatMs: config.changeSafetyPollInterval,
    onNotify: () => void changes.pollNow(),
    onReconnect: () => void changes.resync(),
    logger: options.logger,
    availability: options.availability,
  });
  await listener.start();
  // What was committed between loading the caches and listening.
  await changes.pollNow();
  changes.start(config.changeSafetyPollInterval);
  return listener;
}
