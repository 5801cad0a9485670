import type { Command } from 'commander';
import { openConfiguredStore } from '../../gatehouse.js';
import { migrateToLatest, pendingMigrations } from '../../store/migrate.js';
import { configFrom } from '../context.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (the server also does this at start)')
    .option('--dry-run', 'list the migrations that would run, without running them')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const config = configFrom(command);
      const store = await openConfiguredStore(config);
      try {
        if (options.dryRun) {
          const pending = await pendingMigrations(store);
          process.stdout.write(pending.length === 0 ? 'no pending migrations\n' : `would apply: ${pending.join(', ')}\n`);
          return;
        }
        const applied = await migrateToLatest(store);
        process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`);
      } finally {
        await store.close();
      }
    });
}
