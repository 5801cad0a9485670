import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandLoadError, CommandRegistry } from '../../src/resources/commands/command-registry.js';

describe('command registry', () => {
  const folders: string[] = [];
  const folderWith = (files: Record<string, string>) => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-commands-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  };
  const httpCommand = (app: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ kind: 'http-request', app, name: 'call', url: 'http://127.0.0.1:9/x', ...extra });
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it.each(['users', 'commands', 'offline_access'])('refuses an application named after the reserved scope %s', async (name) => {
    await expect(CommandRegistry.fromFolder(folderWith({ 'call.json': httpCommand(name) }))).rejects.toThrow(CommandLoadError);
    const application = `export const app = { name: '${name}', [Symbol.for('gatehouse.application')]: true };\n`;
    await expect(CommandRegistry.fromFolder(folderWith({ 'app.mjs': application }))).rejects.toThrow(/reserved scope/);
  });

  it('lists every scope its commands need', async () => {
    const registry = await CommandRegistry.fromFolder(
      folderWith({
        'a.json': httpCommand('billing'),
        'b.json': JSON.stringify({ kind: 'http-request', app: 'billing', name: 'refund', scope: 'billing:write audit', url: 'http://127.0.0.1:9/y' }),
        'c.json': httpCommand('open', { protected: false }),
      }),
    );
    expect(registry.scopes()).toEqual(['audit', 'billing', 'billing:write']);
  });
});
