import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { CommandRegistry, scopeReaches } from '../../src/protected-apis/commands/command-registry.js';
import { reservedScopeList, reservedScopeNames } from '../../src/protected-apis/reserved-scopes.js';

describe('GATEHOUSE_USERS_SCOPE, GATEHOUSE_COMMANDS_SCOPE and their aliases', () => {
  it('default to users and commands without aliases', () => {
    const config = loadConfig({ env: {} });
    expect(reservedScopeNames(config)).toEqual({ users: ['users'], commands: ['commands'] });
  });

  it('read a name and comma-separated aliases (trimmed, without duplicates)', () => {
    const config = loadConfig({
      env: { GATEHOUSE_USERS_SCOPE: 'user_admin', GATEHOUSE_USERS_SCOPE_ALIASES: ' UserMgmt , users,UserMgmt', GATEHOUSE_COMMANDS_SCOPE: 'all_apps', GATEHOUSE_COMMANDS_SCOPE_ALIASES: '' },
    });
    expect(config.usersScope).toBe('user_admin');
    expect(config.usersScopeAliases).toEqual(['UserMgmt', 'users']);
    expect(config.commandsScopeAliases).toEqual([]);
    expect(reservedScopeList(reservedScopeNames(config))).toEqual(['user_admin', 'UserMgmt', 'users', 'all_apps', 'offline_access', 'roles']);
  });

  it('take aliases as a JSON array in the config file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-scopes-')), 'config.json');
    writeFileSync(file, JSON.stringify({ commandsScopeAliases: ['ServerCommands', 'apps'] }));
    expect(loadConfig({ env: {}, configFile: file }).commandsScopeAliases).toEqual(['ServerCommands', 'apps']);
  });

  it('refuse names that are not scope tokens', () => {
    expect(() => loadConfig({ env: { GATEHOUSE_USERS_SCOPE: 'two words' } })).toThrow(/GATEHOUSE_USERS_SCOPE: must be a scope name/);
    expect(() => loadConfig({ env: { GATEHOUSE_COMMANDS_SCOPE_ALIASES: 'ok,"quoted"' } })).toThrow(/GATEHOUSE_COMMANDS_SCOPE_ALIASES: must be a scope name/);
  });

  it('refuse a name shared by both scopes or taken by another reserved scope', () => {
    expect(() => loadConfig({ env: { GATEHOUSE_USERS_SCOPE_ALIASES: 'commands' } })).toThrow(/GATEHOUSE_USERS_SCOPE: commands is already a reserved scope name/);
    expect(() => loadConfig({ env: { GATEHOUSE_COMMANDS_SCOPE: 'offline_access' } })).toThrow(/GATEHOUSE_COMMANDS_SCOPE: offline_access is already a reserved scope name/);
    expect(() => loadConfig({ env: { GATEHOUSE_USERS_SCOPE: 'roles' } })).toThrow(/reserved scope name/);
  });

  it('let any configured commands name reach a command, and only those', () => {
    const protection = { protected: true, scope: ['billing'], roles: [] };
    expect(scopeReaches(['ServerCommands'], protection, ['all_apps', 'ServerCommands'])).toBe(true);
    expect(scopeReaches(['commands'], protection, ['all_apps', 'ServerCommands'])).toBe(false);
  });

  it('keep applications from taking a configured name or alias', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-scopes-'));
    writeFileSync(join(folder, 'call.json'), JSON.stringify({ kind: 'http-request', app: 'UserMgmt', name: 'call', url: 'http://127.0.0.1:9/x' }));
    const config = loadConfig({ env: { GATEHOUSE_USERS_SCOPE_ALIASES: 'UserMgmt' }, overrides: { commandsDir: folder } });
    await expect(CommandRegistry.fromConfig(config)).rejects.toThrow(/application name UserMgmt is a reserved scope/);
  });
});

describe('the consent words of renamed scopes', () => {
  it('describe the configured names and aliases, not the old names', async () => {
    const { scopeDescriber } = await import('../../src/server/scope-descriptions.js');
    const describe = scopeDescriber({ scopeDescription: () => undefined }, { users: ['user_admin', 'UserMgmt'], commands: ['all_apps'] });
    expect(describe('UserMgmt')).toBe('Manage the user accounts of this server');
    expect(describe('all_apps')).toBe("Run every application's server commands for you");
    expect(describe('users')).toBeUndefined();
  });
});
