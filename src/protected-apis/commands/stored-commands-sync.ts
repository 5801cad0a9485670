import type { ChangeFeed } from '../../changes/change-feed.js';
import type { CommandRegistry, StoredCommandWarnings } from './command-registry.js';
import type { StoredCommandsStore } from './stored-commands-store.js';

/**
 * Keeps the registry's stored commands as the database has them: loads them all now, reloads the one a
 * `command` change names (`app/name`), and all of them on a resync. Loads run one at a time, in order, so an
 * older read never overwrites a newer one.
 */
export async function followStoredCommands(
  registry: CommandRegistry,
  store: Pick<StoredCommandsStore, 'list' | 'get'>,
  changes: Pick<ChangeFeed, 'on' | 'onResync'>,
  warnings?: StoredCommandWarnings,
): Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  const inTurn = (task: () => Promise<void>): Promise<void> => {
    const run = queue.then(task);
    // A failed load fails its caller (the change feed then reloads everything); the next load still runs.
    queue = run.catch(() => undefined);
    return run;
  };
  // Listening first: a change committed before the full load is in it, one committed after reaches the listener.
  changes.on('command', (ref) => inTurn(() => registry.refreshStored(store, ref, warnings)));
  changes.onResync(() => inTurn(() => registry.loadStored(store, warnings)));
  await inTurn(() => registry.loadStored(store, warnings));
}
