import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { CommandRegistry } from '../../src/protected-apis/commands/command-registry.js';
import { scopeDescriber } from '../../src/server/scope-descriptions.js';

describe('scope descriptions on the consent page', () => {
  it("take Gatehouse's own words, then the declaring application's or command's description", async () => {
    const commandsDir = fileURLToPath(new URL('../../examples/commands', import.meta.url));
    const commands = await CommandRegistry.fromConfig(loadConfig({ env: {}, overrides: { commandsDir } }));
    const describe = scopeDescriber(commands);
    expect(describe('users')).toMatch(/user accounts/);
    expect(describe('public')).toBe('commands anyone may call');
    expect(describe('no-such-scope')).toBeUndefined();
    expect(scopeDescriber({ scopeDescription: (scope) => (scope === 'reports' ? 'See the reports' : undefined) })('reports')).toBe('See the reports');
  });
});
