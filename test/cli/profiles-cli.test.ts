import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { runCli } from '../helpers/cli.js';
import { STORES } from '../helpers/test-server.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

describe.each(STORES)('gatehouse profiles on %s', (store) => {
  let dir: string;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-profiles-cli-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    env = { GATEHOUSE_DATA_DIR: dir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: 'cli-test-admin-token-0123456789', ...(database ? { DATABASE_URL: database.url } : {}) };
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, content: unknown): string {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  async function expectOneLineError(args: string[], pattern: RegExp): Promise<void> {
    const result = await runCli(args, env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('pushes a file, pulls the same JSON back, and replaces it on a second push', async () => {
    const profile = {
      name: 'mobile',
      maxTokenExpiration: 900,
      scopeElementMapping: { payments: ['PinCode', 'UserLogin'], public: [] },
      mandatoryScope: ['AllowedNetwork'],
    };
    const pushed = await runCli(['profiles', 'push', write('mobile.json', profile)], env);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout.trim()).toBe('profile mobile created');
    const pulled = await runCli(['profiles', 'pull', 'mobile'], env);
    expect(pulled.code).toBe(0);
    expect(JSON.parse(pulled.stdout)).toEqual(profile);
    // What pull printed is a file push takes back unchanged.
    const again = await runCli(['profiles', 'push', write('pulled.json', pulled.stdout)], env);
    expect(again.stdout.trim()).toBe('profile mobile replaced');

    const changed = { maxTokenExpiration: 300, scopeElementMapping: {}, mandatoryScope: [] };
    expect((await runCli(['profiles', 'push', write('mobile.json', changed)], env)).stdout.trim()).toBe('profile mobile replaced');
    expect(JSON.parse((await runCli(['profiles', 'pull', 'mobile'], env)).stdout)).toEqual({ name: 'mobile', ...changed });

    const listed = await runCli(['profiles', 'list', '--json'], env);
    expect((JSON.parse(listed.stdout) as { profiles: { name: string; max_token_expiration: number }[] }).profiles).toEqual([expect.objectContaining({ name: 'mobile', max_token_expiration: 300 })]);
  });

  it('takes the name from --name or the file name', async () => {
    expect((await runCli(['profiles', 'push', write('web.json', { maxTokenExpiration: 60 })], env)).stdout.trim()).toBe('profile web created');
    expect((await runCli(['profiles', 'push', '--name', 'kiosk', write('x.json', {})], env)).stdout.trim()).toBe('profile kiosk created');
    expect(JSON.parse((await runCli(['profiles', 'pull', 'kiosk'], env)).stdout)).toEqual({ name: 'kiosk', maxTokenExpiration: 3600, scopeElementMapping: {}, mandatoryScope: [] });
  });

  it('refuses unreadable files with one line', async () => {
    await expectOneLineError(['profiles', 'push', write('bad.json', '{not json')], /^gatehouse: .*bad\.json is not valid JSON$/);
    await expectOneLineError(['profiles', 'push', join(dir, 'missing.json')], /^gatehouse: cannot read .*missing\.json: ENOENT$/);
  });

  it('refuses invalid settings with one line naming the key', async () => {
    await expectOneLineError(['profiles', 'push', write('web.json', { maxTokenExpiration: 'long' })], /^gatehouse: maxTokenExpiration: must be an integer/);
    await expectOneLineError(['profiles', 'push', write('web.json', { max_token_expiration: 60 })], /^gatehouse: max_token_expiration: unknown key/);
    await expectOneLineError(['profiles', 'push', write('web.json', { scopeElementMapping: { pay: ['NoSuchCheck'] } })], /^gatehouse: scopeElementMapping: no security check named NoSuchCheck/);
    // Nothing changed.
    expect(JSON.parse((await runCli(['profiles', 'pull', 'web'], env)).stdout)).toMatchObject({ maxTokenExpiration: 60 });
  });

  it('names a missing profile', async () => {
    await expectOneLineError(['profiles', 'pull', 'nope'], /^gatehouse: no security profile named 'nope'$/);
  });

  it('assigns a profile to a client and refuses to delete a profile in use', async () => {
    const created = await runCli(['clients', 'create', '--name', 'App', '--profile', 'web', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const client = JSON.parse(created.stdout) as { client_id: string; profile: string };
    expect(client.profile).toBe('web');
    await expectOneLineError(['clients', 'create', '--name', 'Other', '--profile', 'ghost'], /^gatehouse: --profile: there is no security profile named 'ghost'$/);
    await expectOneLineError(['profiles', 'delete', 'web'], /^gatehouse: the security profile 'web' is used by 1 client\(s\)/);
    const cleared = await runCli(['clients', 'update', client.client_id, '--profile', 'none'], env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect((await runCli(['profiles', 'delete', 'web'], env)).stdout.trim()).toBe('profile web deleted');
    await expectOneLineError(['profiles', 'delete', 'web'], /^gatehouse: no security profile named 'web'$/);
  });
});
