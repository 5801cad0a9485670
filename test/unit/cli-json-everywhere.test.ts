import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

/** Commands whose output is not data: the server itself, and SQL meant for a database shell. */
const NOT_DATA = new Set(['gatehouse serve', 'gatehouse schema']);

function leaves(command: Command, path: string[] = []): { name: string; command: Command }[] {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [{ name: here.join(' '), command }];
  return command.commands.flatMap((child) => leaves(child, here));
}

describe('the CLI', () => {
  it('offers --json on every command that prints data', () => {
    const commands = leaves(buildProgram()).filter(({ name }) => !NOT_DATA.has(name));
    expect(commands.length).toBeGreaterThan(40);
    const without = commands.filter(({ command }) => !command.options.some((option) => option.long === '--json')).map(({ name }) => name);
    expect(without).toEqual([]);
  });

  it('describes every command and every option', () => {
    for (const { name, command } of leaves(buildProgram())) {
      expect(command.description(), name).not.toBe('');
      for (const option of command.options) expect(option.description, `${name} ${option.flags}`).not.toBe('');
    }
  });
});
