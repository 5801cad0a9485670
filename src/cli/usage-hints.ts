import type { Command } from 'commander';

/** `gatehouse clients create`: the words that run a command, for the hint after a usage error. */
function commandLine(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/**
 * A usage error (unknown option, missing argument, conflicting flags) prints one line and where the usage is,
 * never the whole help: `error: unknown option '--nme'` then `Run 'gatehouse clients create --help' for usage.`
 */
export function withUsageHints(command: Command): void {
  command.showHelpAfterError(`Run '${commandLine(command)} --help' for usage.`);
  for (const child of command.commands) withUsageHints(child);
}
