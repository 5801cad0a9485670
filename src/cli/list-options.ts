import type { Command } from 'commander';
import { CliError } from './context.js';

export interface ListFlags {
  search?: string;
  limit: string;
  offset: string;
  json?: boolean;
}

/** `--search`, `--limit`, `--offset` and `--json` of the list commands. */
export function withListOptions(command: Command, searchHelp: string): Command {
  return command.option('--search <text>', searchHelp).option('--limit <n>', 'at most this many', '100').option('--offset <n>', 'skip this many', '0').option('--json', 'machine-readable output');
}

/** The paging of a list command, checked. */
export function pagingOf(flags: ListFlags): { search: string | undefined; limit: number; offset: number } {
  if (!/^\d+$/.test(flags.limit) || !/^\d+$/.test(flags.offset) || Number(flags.limit) < 1) {
    throw new CliError('--limit must be a whole number from 1, --offset a whole number');
  }
  return { search: flags.search, limit: Number(flags.limit), offset: Number(flags.offset) };
}
