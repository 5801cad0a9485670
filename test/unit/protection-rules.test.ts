import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/protected-apis/commands/command.js';
import { CommandRegistry, resolveProtection, scopeReaches } from '../../src/protected-apis/commands/command-registry.js';
import { routeRequirement } from '../../src/protected-apis/protect.js';

describe('route protection declarations', () => {
  it('lets a route declaration win over its group, and needs a token by default', () => {
    expect(routeRequirement({}, {})).toEqual([]);
    expect(routeRequirement({}, { scope: 'users' })).toEqual(['users']);
    expect(routeRequirement({ scope: 'users:read' }, { scope: 'users' })).toEqual(['users:read']);
    expect(routeRequirement({ protected: false }, { scope: 'users' })).toBeNull();
    expect(routeRequirement({}, { protected: false })).toBeNull();
    expect(routeRequirement({ scope: 'a b' }, { protected: false })).toEqual(['a', 'b']);
    expect(routeRequirement({ protected: true }, { protected: false })).toEqual([]);
  });
});

describe('server command protection', () => {
  const command = (extra: Record<string, unknown> = {}) => defineCommand({ app: 'billing', name: 'run', handler: () => ({}), ...extra });

  it('defaults to the application name as scope', () => {
    expect(resolveProtection(command(), undefined)).toEqual({ protected: true, scope: ['billing'], roles: [] });
  });

  it('applies the order command > application > default', () => {
    expect(resolveProtection(command(), { name: 'billing', scope: 'finance' })).toEqual({ protected: true, scope: ['finance'], roles: [] });
    expect(resolveProtection(command({ scope: 'billing:write' }), { name: 'billing', scope: 'finance' })).toEqual({ protected: true, scope: ['billing:write'], roles: [] });
    expect(resolveProtection(command(), { name: 'billing', protected: false })).toEqual({ protected: false, scope: [], roles: [] });
    expect(resolveProtection(command({ scope: 'audit' }), { name: 'billing', protected: false })).toEqual({ protected: true, scope: ['audit'], roles: [] });
    expect(resolveProtection(command({ protected: false }), { name: 'billing', scope: 'finance' })).toEqual({ protected: false, scope: [], roles: [] });
  });

  it('adds the roles of the application and the command, and lets roles protect', () => {
    expect(resolveProtection(command({ roles: ['clerk'] }), { name: 'billing', roles: ['staff'] })).toEqual({ protected: true, scope: ['billing'], roles: ['staff', 'clerk'] });
    expect(resolveProtection(command({ roles: ['clerk'] }), { name: 'billing', protected: false })).toEqual({ protected: true, scope: [], roles: ['clerk'] });
    expect(resolveProtection(command({ scope: 'audit' }), { name: 'billing', roles: ['staff'] })).toEqual({ protected: true, scope: ['audit'], roles: ['staff'] });
  });

  it('reads roles from an http-request definition and refuses roles that are not role names', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-roles-json-'));
    try {
      const spec = { kind: 'http-request', app: 'crm', name: 'lookup', url: 'https://crm.example/x', roles: ['clerk'] };
      writeFileSync(join(folder, 'lookup.json'), JSON.stringify(spec));
      expect((await CommandRegistry.fromFolder(folder)).get('crm', 'lookup')?.protection).toEqual({ protected: true, scope: ['crm'], roles: ['clerk'] });
      writeFileSync(join(folder, 'lookup.json'), JSON.stringify({ ...spec, roles: 'clerk' }));
      await expect(CommandRegistry.fromFolder(folder)).rejects.toThrow(/"roles" must be a list of role names/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('lets the reserved scope commands reach every protected command', () => {
    const protection = { protected: true, scope: ['billing:write'], roles: [] };
    expect(scopeReaches(['commands'], protection)).toBe(true);
    expect(scopeReaches(['billing'], protection)).toBe(false);
    expect(scopeReaches(['billing:write', 'x'], protection)).toBe(true);
    expect(scopeReaches([], { protected: false, scope: [], roles: [] })).toBe(true);
  });
});
