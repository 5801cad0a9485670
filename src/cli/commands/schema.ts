import type { Command } from 'commander';
import { schemaSql } from '../../store/schema-sql.js';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the PostgreSQL schema (tables, indexes and migration bookkeeping) for creating the database by hand')
    .action(async () => {
      process.stdout.write(await schemaSql('postgres'));
    });
}
