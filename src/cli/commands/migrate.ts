import type { Command } from 'commander';
import { openConfiguredStore } from '../../gatehouse.js';
import { migrateToLatest, pendingMigrations } from '../../store/migrate.js';
import { migrationSql } from '../../store/schema-sql.js';
import { CliError, configFrom, printJson } from '../context.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (the server also does this at start)')
    .option('--dry-run', 'list the migrations that would run, without running them')
    .option('--sql', 'with --dry-run: also print the SQL each pending migration would run')
    .option('--json', 'machine-readable output: {"applied": [...]} or, with --dry-run, {"pending": [...]} (and "sql")')
    .action(async (options: { dryRun?: boolean; sql?: boolean; json?: boolean }, command: Command) => {
      if (options.sql && !options.dryRun) throw new CliError('--sql prints what --dry-run would apply; use it with --dry-run');
      const config = configFrom(command);
      const store = await openConfiguredStore(config);
      try {
        if (options.dryRun) {
          const pending = await pendingMigrations(store);
          if (options.json) return printJson({ pending, ...(options.sql ? { sql: await migrationSql(store.engine, pending) } : {}) });
          process.stdout.write(pending.length === 0 ? 'no pending migrations\n' : `would apply: ${pending.join(', ')}\n`);
          if (options.sql) {
            for (const { name, statements } of await migrationSql(store.engine, pending)) {
              process.stdout.write(`\n-- ${name}\n${statements.join('\n')}\n`);
            }
          }
          return;
        }
        const applied = await migrateToLatest(store);
        if (options.json) return printJson({ applied });
        process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`);
      } finally {
        await store.close();
      }
    });
}
