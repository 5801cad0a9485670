import { describe, expect, it } from 'vitest';
import { AdminToken } from '../../src/admin-api/admin-token.js';
import { SecretDigester } from '../../src/keys/secret-digest.js';
import type { SettingsRepository } from '../../src/store/settings-repository.js';

/** The settings table of one database, shared by several AdminToken instances (the server's and the CLI's), counting reads. */
function sharedSettings() {
  const values = new Map<string, string>();
  const store = {
    reads: 0,
    async get(name: string) {
      store.reads += 1;
      return values.get(name);
    },
    async set(name: string, value: string) {
      values.set(name, value);
    },
    async setIfAbsent(name: string, value: string) {
      if (values.has(name)) return false;
      values.set(name, value);
      return true;
    },
  };
  return store;
}

describe('the admin token', () => {
  const digester = new SecretDigester(Buffer.alloc(32, 7));

  it('takes a token made elsewhere at once, before the change feed brings it', async () => {
    const settings = sharedSettings();
    const server = new AdminToken(digester, settings as unknown as SettingsRepository, undefined);
    const first = await server.init();
    expect(first).toBeDefined();
    const cli = new AdminToken(digester, settings as unknown as SettingsRepository, undefined);
    await cli.init();
    const second = await cli.reset();
    expect(server.matches(second)).toBe(false);
    expect(await server.verify(second, 10_000)).toBe(true);
    expect(await server.verify(first!, 20_000)).toBe(false);
  });

  it('re-reads the store for wrong tokens at most once a second', async () => {
    const settings = sharedSettings();
    const server = new AdminToken(digester, settings as unknown as SettingsRepository, undefined);
    await server.init();
    const before = settings.reads;
    const answers = await Promise.all([server.verify('wrong-1', 5_000), server.verify('wrong-2', 5_000), server.verify('wrong-3', 5_500)]);
    expect(answers).toEqual([false, false, false]);
    expect(settings.reads - before).toBe(1);
    expect(await server.verify('wrong-4', 6_000)).toBe(false);
    expect(settings.reads - before).toBe(2);
  });

  it('never reads the store for a configured token', async () => {
    const settings = sharedSettings();
    const server = new AdminToken(digester, settings as unknown as SettingsRepository, 'configured-admin-token-0123456789');
    await server.init();
    expect(await server.verify('configured-admin-token-0123456789')).toBe(true);
    expect(await server.verify('other')).toBe(false);
    expect(settings.reads).toBe(0);
  });
});
