import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandLoadError, CommandRegistry } from '../../src/protected-apis/commands/command-registry.js';

describe('command registry', () => {
  const folders: string[] = [];
  const folderWith = (files: Record<string, string>) => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-commands-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  };
  const httpCommand = (app: string, extra: Record<string, unknown> = {}) => JSON.stringify({ kind: 'http-request', app, name: 'call', url: 'http://127.0.0.1:9/x', ...extra });
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('names every field at fault in a command file in one message, each after the file and its quoted name', async () => {
    const folder = folderWith({ 'call.json': httpCommand('shop', { url: 'ftp://example.com/x', timeoutMs: 0, relay: true, relayHeaders: ['Set-Cookie'] }) });
    const refusal = CommandRegistry.fromFolder(folder);
    await expect(refusal).rejects.toThrow(CommandLoadError);
    await expect(refusal).rejects.toThrow(
      `${join(folder, 'call.json')}: "timeoutMs" must be a positive integer; "url" must be an http(s) URL template (it may start with {{env.NAME}}); "relayHeaders" may not list 'Set-Cookie': Gatehouse never relays it`,
    );
  });

  it.each(['users', 'commands', 'offline_access', 'roles'])('refuses an application named after the reserved scope %s', async (name) => {
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

  it.each([
    ['http://{{input.host}}/x', 'host'],
    ['https://api.example.com:{{input.port}}/x', 'port'],
    ['http://{{input.user}}@api.example.com/x', 'user part'],
    ['http{{input.s}}://api.example.com/x', 'scheme'],
    ['https://api.example.com{{input.path}}', 'host (no / before it)'],
    ['{{env.CRM_BASE_URL}}{{input.path}}', 'host after an environment base URL'],
    ['{{env.CRM_BASE_URL}}.{{input.domain}}/x', 'host suffix'],
  ])('refuses the URL template %s (input in the %s), naming the file and field', async (url) => {
    const folder = folderWith({ 'call.json': httpCommand('crm', { url }) });
    await expect(CommandRegistry.fromFolder(folder)).rejects.toThrow(CommandLoadError);
    await expect(CommandRegistry.fromFolder(folder)).rejects.toThrow(new RegExp(`${join(folder, 'call.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "url" `));
  });

  it('accepts input placeholders in the path, query and fragment', async () => {
    for (const url of [
      '{{env.CRM_BASE_URL}}/customers/{{input.id}}',
      'https://api.example.com/x/{{input.id}}?q={{input.q}}',
      'https://api.example.com?q={{input.q}}',
      'https://api.example.com#{{input.f}}',
    ]) {
      const registry = await CommandRegistry.fromFolder(folderWith({ 'call.json': httpCommand('crm', { url }) }));
      expect(registry.get('crm', 'call')?.file).toMatch(/call\.json$/);
    }
  });

  it('refuses a bad maxResponseBytes or internalNetworks, naming the file and field', async () => {
    await expect(CommandRegistry.fromFolder(folderWith({ 'call.json': httpCommand('crm', { maxResponseBytes: 0 }) }))).rejects.toThrow(/call\.json: "maxResponseBytes"/);
    await expect(CommandRegistry.fromFolder(folderWith({ 'call.json': httpCommand('crm', { internalNetworks: ['not-a-range'] }) }))).rejects.toThrow(/call\.json: "internalNetworks"/);
  });
});
