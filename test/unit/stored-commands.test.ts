import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandLoadError, CommandRegistry, FolderCommandConflictError } from '../../src/protected-apis/commands/command-registry.js';
import { StoredCommandExistsError, StoredCommandNotFoundError, StoredCommands } from '../../src/protected-apis/commands/stored-commands.js';
import type { StoredCommandRecord, StoredCommandsStore } from '../../src/protected-apis/commands/stored-commands-store.js';
import { followStoredCommands } from '../../src/protected-apis/commands/stored-commands-sync.js';
import { ConflictError, FieldValidationError } from '../../src/shared/errors.js';

/** An in-memory store that reports each write to the listeners as the change feed would. */
class MemoryStore implements StoredCommandsStore {
  readonly rows = new Map<string, StoredCommandRecord>();
  changed: (ref: string) => Promise<void> = () => Promise.resolve();

  list(): Promise<StoredCommandRecord[]> {
    return Promise.resolve([...this.rows.values()]);
  }
  get(app: string, name: string): Promise<StoredCommandRecord | undefined> {
    return Promise.resolve(this.rows.get(`${app}/${name}`));
  }
  async insert(record: StoredCommandRecord): Promise<boolean> {
    if (this.rows.has(`${record.app}/${record.name}`)) return false;
    this.rows.set(`${record.app}/${record.name}`, record);
    await this.changed(`${record.app}/${record.name}`);
    return true;
  }
  async update(record: StoredCommandRecord): Promise<boolean> {
    if (!this.rows.has(`${record.app}/${record.name}`)) return false;
    this.rows.set(`${record.app}/${record.name}`, record);
    await this.changed(`${record.app}/${record.name}`);
    return true;
  }
  async delete(app: string, name: string): Promise<boolean> {
    if (!this.rows.delete(`${app}/${name}`)) return false;
    await this.changed(`${app}/${name}`);
    return true;
  }
}

describe('stored commands over the folder registry', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  const folderWith = (files: Record<string, string>) => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-stored-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  };
  const spec = (extra: Record<string, unknown> = {}) => ({ kind: 'http-request', app: 'crm', name: 'find', url: 'https://crm.example/{{input.id}}', ...extra });
  const record = (extra: Record<string, unknown> = {}): StoredCommandRecord => {
    const value = spec(extra);
    return { app: value.app, name: value.name, spec: value, createdAt: 1, updatedAt: 2, updatedBy: 'ada' };
  };

  /** A registry with a folder (an application with roles, one command file) following a memory store. */
  async function setUp(): Promise<{ registry: CommandRegistry; store: MemoryStore; commands: StoredCommands; warnings: string[] }> {
    const registry = await CommandRegistry.fromFolder(
      folderWith({
        'app.mjs': "export const crm = { name: 'crm', roles: ['clerk'], [Symbol.for('gatehouse.application')]: true };\n",
        'ping.json': JSON.stringify({ kind: 'http-request', app: 'crm', name: 'ping', url: 'https://crm.example/ping' }),
      }),
    );
    const store = new MemoryStore();
    const listeners: ((ref: string) => Promise<void> | void)[] = [];
    const warnings: string[] = [];
    await followStoredCommands(registry, store, { on: (_kind, listener) => listeners.push(listener), onResync: () => undefined }, { warn: (details) => warnings.push(String(details.command)) });
    store.changed = async (ref) => {
      for (const listener of listeners) await listener(ref);
    };
    return {
      registry,
      store,
      commands: new StoredCommands(
        registry,
        store,
        () => Promise.resolve(),
        () => 1_000,
      ),
      warnings,
    };
  }

  it('serves a stored command beside the folder, with the protection of its application, and forgets it when deleted', async () => {
    const { registry, commands } = await setUp();
    const before = registry.all();
    const created = await commands.create(spec(), 'ada');
    expect(created.stored).toEqual({ updatedAt: 1_000, updatedBy: 'ada' });
    const served = registry.get('crm', 'find');
    expect(served?.protection).toEqual({ protected: true, scope: ['crm'], roles: ['clerk'] });
    expect(served?.spec).toEqual(spec());
    expect(registry.all()).not.toBe(before);
    expect(registry.all().map((command) => command.definition.name)).toEqual(['ping', 'find']);
    // The same array until something changes (the commands API reads it per request).
    expect(registry.all()).toBe(registry.all());
    await commands.update('crm', 'find', spec({ scope: 'crm:read' }), 'bob');
    expect(registry.get('crm', 'find')?.protection.scope).toEqual(['crm:read']);
    expect(registry.get('crm', 'find')?.stored?.updatedBy).toBe('bob');
    await commands.delete('crm', 'find');
    expect(registry.get('crm', 'find')).toBeUndefined();
    expect(registry.get('crm', 'ping')?.stored).toBeUndefined();
  });

  it('refuses what a command file may not be, naming the field', async () => {
    const { commands, store } = await setUp();
    const fieldOf = async (value: unknown) => {
      try {
        await commands.create(value, 'ada');
      } catch (error) {
        expect(error).toBeInstanceOf(FieldValidationError);
        return (error as FieldValidationError).field;
      }
      throw new Error('accepted');
    };
    expect(await fieldOf(null)).toBe('kind');
    expect(await fieldOf(spec({ app: 'users' }))).toBe('app');
    expect(await fieldOf(spec({ app: 'a/b' }))).toBe('app');
    expect(await fieldOf(spec({ name: '' }))).toBe('name');
    expect(await fieldOf(spec({ roles: 'clerk' }))).toBe('roles');
    expect(await fieldOf(spec({ input: { type: 'object', properties: { id: { type: 12 } } } }))).toBe('input');
    expect(await fieldOf(spec({ method: 'GET /x' }))).toBe('method');
    expect(await fieldOf(spec({ protected: 'no' }))).toBe('protected');
    expect(store.rows.size).toBe(0);
  });

  it('keeps the folder read-only and names unique', async () => {
    const { commands } = await setUp();
    await expect(commands.create(spec({ name: 'ping' }), 'ada')).rejects.toThrow(FolderCommandConflictError);
    await expect(commands.update('crm', 'ping', spec({ name: 'ping' }), 'ada')).rejects.toThrow(FolderCommandConflictError);
    await expect(commands.delete('crm', 'ping')).rejects.toThrow(FolderCommandConflictError);
    await commands.create(spec(), 'ada');
    await expect(commands.create(spec(), 'ada')).rejects.toThrow(StoredCommandExistsError);
    await expect(commands.update('crm', 'other', spec({ name: 'other' }), 'ada')).rejects.toThrow(StoredCommandNotFoundError);
    await expect(commands.delete('crm', 'other')).rejects.toThrow(StoredCommandNotFoundError);
    await expect(commands.update('crm', 'find', spec({ name: 'renamed' }), 'ada')).rejects.toMatchObject({ field: 'name' });
  });

  it('loads what is stored at start, and skips (with a warning) a row that no longer passes', async () => {
    const store = new MemoryStore();
    store.rows.set('crm/find', record());
    store.rows.set('crm/ping', record({ name: 'ping' }));
    store.rows.set('users/x', record({ app: 'users', name: 'x' }));
    const registry = await CommandRegistry.fromFolder(folderWith({ 'ping.json': JSON.stringify({ kind: 'http-request', app: 'crm', name: 'ping', url: 'https://crm.example/ping' }) }));
    const warnings: string[] = [];
    let resync: () => Promise<void> | void = () => undefined;
    await followStoredCommands(registry, store, { on: () => undefined, onResync: (listener) => (resync = listener) }, { warn: (details) => warnings.push(String(details.command)) });
    expect(registry.all().map((command) => `${command.definition.name}:${command.stored ? 'stored' : 'folder'}`)).toEqual(['ping:folder', 'find:stored']);
    expect(warnings.sort()).toEqual(['crm/ping', 'users/x']);
    // A resync reloads in full (a change was missed).
    store.rows.delete('crm/find');
    await resync();
    expect(registry.get('crm', 'find')).toBeUndefined();
  });

  it('applies loads in the order they were asked for', async () => {
    const registry = await CommandRegistry.fromFolder(undefined);
    const store = new MemoryStore();
    let listener: (ref: string) => Promise<void> | void = () => undefined;
    let releaseList: () => void = () => undefined;
    const slowList = new Promise<void>((resolve) => (releaseList = resolve));
    let listing: () => void = () => undefined;
    const listStarted = new Promise<void>((resolve) => (listing = resolve));
    const slowStore = {
      // The full load reads an old state and answers late.
      list: async () => {
        const old = [...store.rows.values()];
        listing();
        await slowList;
        return old;
      },
      get: (app: string, name: string) => store.get(app, name),
    };
    const loading = followStoredCommands(registry, slowStore, { on: (_kind, added) => (listener = added), onResync: () => undefined });
    await listStarted;
    store.rows.set('crm/find', record());
    const refreshed = listener('crm/find');
    await new Promise((resolve) => setTimeout(resolve, 0));
    releaseList();
    await loading;
    await refreshed;
    expect(registry.get('crm', 'find')).toBeDefined();
  });

  it('lets a stored command read only the environment variables GATEHOUSE_COMMAND_ENV lists, and a file every one', async () => {
    const registry = await CommandRegistry.fromFolder(
      folderWith({ 'file.json': JSON.stringify(spec({ name: 'file', url: '{{env.ANYTHING}}/x', internalNetworks: ['10.0.0.0/8'] })) }),
      undefined,
      undefined,
      ['CRM_*', 'API_KEY'],
    );
    const saved = { updatedAt: 1, updatedBy: 'ada' };
    expect(registry.prepareStored(spec({ url: '{{env.CRM_BASE_URL}}/x', headers: { key: '{{ env.API_KEY }}' } }), saved).spec?.url).toBe('{{env.CRM_BASE_URL}}/x');
    expect(() => registry.prepareStored(spec({ headers: { key: '{{env.API_KEY2}}' } }), saved)).toThrow(expect.objectContaining({ field: 'headers.key' }) as Error);
    expect(() => registry.prepareStored(spec({ url: '{{env.GATEHOUSE_SECRET}}/x' }), saved)).toThrow(/GATEHOUSE_COMMAND_ENV/);
    expect(() => registry.prepareStored(spec({ internalNetworks: ['10.0.0.0/8'] }), saved)).toThrow(expect.objectContaining({ field: 'internalNetworks' }) as Error);
    // A row saved under a wider setting is not served once the setting no longer lists its variable.
    const narrower = await CommandRegistry.fromFolder(undefined);
    const warnings: string[] = [];
    narrower.replaceStored([record({ url: '{{env.CRM_BASE_URL}}/x' })], { warn: (details) => warnings.push(String(details.command)) });
    expect(narrower.get('crm', 'find')).toBeUndefined();
    expect(warnings).toEqual(['crm/find']);
  });

  it('answers any definition with a command or a field error, never another failure', async () => {
    const registry = await CommandRegistry.fromFolder(undefined, undefined, undefined, ['CRM_*']);
    const fields = [
      'kind',
      'app',
      'name',
      'scope',
      'protected',
      'roles',
      'input',
      'timeoutMs',
      'description',
      'method',
      'url',
      'headers',
      'body',
      'maxResponseBytes',
      'internalNetworks',
      'forwardIdentityHeader',
    ];
    const values = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(
        'http-request',
        'crm',
        'https://crm.example/{{input.id}}',
        '{{env.CRM_URL}}/x',
        '{{env.OTHER}}',
        ['a', 'b'],
        { type: 'nope' },
        { 'x-key': '{{env.CRM_KEY}}' },
        ['10.0.0.0/8'],
        0,
        -1,
        1e21,
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields), values, { maxKeys: 8 }), (changes) => {
        try {
          registry.prepareStored(spec(changes), { updatedAt: 1, updatedBy: 'ada' });
        } catch (error) {
          expect(error instanceof FieldValidationError || error instanceof ConflictError, String(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('still refuses a bad command file at start (the folder is not the console)', async () => {
    await expect(CommandRegistry.fromFolder(folderWith({ 'bad.json': JSON.stringify(spec({ headers: { 'x-key': 5 } })) }))).rejects.toThrow(CommandLoadError);
    await expect(CommandRegistry.fromFolder(folderWith({ 'bad.json': JSON.stringify(spec({ app: 5 })) }))).rejects.toThrow(/"app" must be a string/);
  });
});
