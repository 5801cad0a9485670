import { InvalidArgumentError, type Command } from 'commander';
import type { StoreEngine } from '../../store/database.js';
import { schemaSql } from '../../store/schema-sql.js';

const DIALECTS: readonly StoreEngine[] = ['postgres', 'sqlite'];

function dialect(value: string): StoreEngine {
  const engine = DIALECTS.find((name) => name === value.toLowerCase());
  if (!engine) throw new InvalidArgumentError(`use ${DIALECTS.join(' or ')}`);
  return engine;
}

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the database schema (tables, indexes and migration bookkeeping) for creating the database by hand')
    .option('--dialect <dialect>', 'SQL dialect of the store: postgres or sqlite', dialect, 'postgres')
    .action(async (options: { dialect: StoreEngine }) => {
      process.stdout.write(await schemaSql(options.dialect));
    });
}
