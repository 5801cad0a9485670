import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { runCli } from '../helpers/cli.js';
import { ADMIN_TOKEN, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

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
      max_token_expiration: 900,
      scope_element_mapping: { payments: ['PinCode', 'UserLogin'], public: [] },
      mandatory_scope: ['AllowedNetwork'],
      default_scope: 'public',
      registration_checks: [],
    };
    const pushed = await runCli(['profiles', 'push', write('mobile.json', profile)], env);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout.trim()).toBe('profile mobile created');
    const pulled = await runCli(['profiles', 'pull', 'mobile'], env);
    expect(pulled.code).toBe(0);
    // Pull prints the admin API's field names, as `profiles list --json` does.
    expect(JSON.parse(pulled.stdout)).toEqual(profile);
    // What pull printed is a file push takes back unchanged.
    const again = await runCli(['profiles', 'push', write('pulled.json', pulled.stdout)], env);
    expect(again.stdout.trim()).toBe('profile mobile replaced');

    const changed = { max_token_expiration: 300, scope_element_mapping: {}, mandatory_scope: [], default_scope: null, registration_checks: [] };
    expect((await runCli(['profiles', 'push', write('mobile.json', changed)], env)).stdout.trim()).toBe('profile mobile replaced');
    expect(JSON.parse((await runCli(['profiles', 'pull', 'mobile'], env)).stdout)).toEqual({ name: 'mobile', ...changed });

    const listed = await runCli(['profiles', 'list', '--json'], env);
    expect((JSON.parse(listed.stdout) as { profiles: { name: string; max_token_expiration: number }[] }).profiles).toEqual([expect.objectContaining({ name: 'mobile', max_token_expiration: 300 })]);
  });

  it("takes the security framework's shape: camelCase keys, strings or lists", async () => {
    // defaultScope '': a request without a scope gets a token with none (the framework's default).
    const framework = { maxTokenExpiration: 600, scopeElementMapping: { accounts: 'UserLogin', payments: ['UserLogin', 'PinCode'] }, mandatoryScope: 'AllowedNetwork', defaultScope: '' };
    const pushed = await runCli(['profiles', 'push', write('bank.json', framework)], env);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout.trim()).toBe('profile bank created');
    expect(JSON.parse((await runCli(['profiles', 'pull', 'bank'], env)).stdout)).toEqual({
      name: 'bank',
      max_token_expiration: 600,
      scope_element_mapping: { accounts: ['UserLogin'], payments: ['UserLogin', 'PinCode'] },
      mandatory_scope: ['AllowedNetwork'],
      default_scope: '',
      registration_checks: [],
    });
    const table = (await runCli(['profiles', 'list'], env)).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME +MAX LIFETIME +MAPPED ELEMENTS +MANDATORY SCOPE +DEFAULT SCOPE$/);
    expect(table.find((line) => line.startsWith('bank '))).toMatch(/^bank +600 s +2 +AllowedNetwork +\(none\)$/);
    expect((await runCli(['profiles', 'delete', 'bank'], env)).code).toBe(0);
    // registrationChecks names checks with a register hook; none is loaded here, and the error names the file's key.
    const unknownCheck = await runCli(['profiles', 'push', write('attested.json', { registrationChecks: 'AppAttestation' })], env);
    expect(unknownCheck.code).not.toBe(0);
    expect(unknownCheck.stderr).toContain('registrationChecks');
    expect(unknownCheck.stderr).toContain('AppAttestation');
  });

  it('takes the name from --name or the file name', async () => {
    expect((await runCli(['profiles', 'push', write('web.json', { maxTokenExpiration: 60 })], env)).stdout.trim()).toBe('profile web created');
    expect((await runCli(['profiles', 'push', '--name', 'kiosk', write('x.json', {})], env)).stdout.trim()).toBe('profile kiosk created');
    expect(JSON.parse((await runCli(['profiles', 'pull', 'kiosk'], env)).stdout)).toEqual({
      name: 'kiosk',
      max_token_expiration: 3600,
      scope_element_mapping: {},
      mandatory_scope: [],
      default_scope: null,
      registration_checks: [],
    });
  });

  it('refuses unreadable files with one line', async () => {
    await expectOneLineError(['profiles', 'push', write('bad.json', '{not json')], /^gatehouse: .*bad\.json is not valid JSON$/);
    await expectOneLineError(['profiles', 'push', join(dir, 'missing.json')], /^gatehouse: cannot read .*missing\.json: ENOENT$/);
  });

  it('refuses invalid settings with one line naming the key', async () => {
    await expectOneLineError(['profiles', 'push', write('web.json', { maxTokenExpiration: 'long' })], /^gatehouse: maxTokenExpiration: must be an integer/);
    await expectOneLineError(
      ['profiles', 'push', write('web.json', { scopeElementMaping: {} })],
      /^gatehouse: scopeElementMaping: unknown key 'scopeElementMaping'; did you mean 'scopeElementMapping'\?$/,
    );
    await expectOneLineError(['profiles', 'push', write('web.json', { scopeElementMapping: { pay: ['NoSuchCheck'] } })], /^gatehouse: scopeElementMapping: no security check named NoSuchCheck/);
    // Nothing changed.
    expect(JSON.parse((await runCli(['profiles', 'pull', 'web'], env)).stdout)).toMatchObject({ max_token_expiration: 60 });
  });

  it('names every invalid setting of a file in its one line, and changes nothing', async () => {
    const bad = write('web.json', { maxTokenExpiration: 0, mandatory_scope: 'ok "quoted', colour: 'red' });
    await expectOneLineError(
      ['profiles', 'push', bad],
      /^gatehouse: colour: unknown key 'colour'; use .*; maxTokenExpiration: must be an integer from 1 to 99999999 \(seconds\); mandatory_scope: '"quoted' is not a valid scope element/,
    );
    // The checks that named security checks exist report both fields too.
    await expectOneLineError(
      ['profiles', 'push', write('web.json', { scopeElementMapping: { pay: ['NoSuchCheck'] }, registration_checks: ['NoHook'] })],
      /^gatehouse: scopeElementMapping: no security check named NoSuchCheck; .*; registration_checks: no security check with a register hook named NoHook/,
    );
    expect(JSON.parse((await runCli(['profiles', 'pull', 'web'], env)).stdout)).toMatchObject({ max_token_expiration: 60 });
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

describe.each(STORES)('gatehouse profiles --server against a running server on %s', (store) => {
  let server: TestServer;
  let dir: string;
  // No data folder, database or secret: only the server's admin API can answer.
  const env = { GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN };
  beforeAll(async () => {
    server = await startTestServer({ store });
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-profiles-server-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, content: unknown): string {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(content, null, 2));
    return file;
  }

  async function expectOneLineError(args: string[], environment: Record<string, string>, pattern: RegExp): Promise<void> {
    const result = await runCli(args, environment);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('pushes a file through the admin API and pulls it back', async () => {
    const file = write('mobile.json', { maxTokenExpiration: 900, scopeElementMapping: { payments: 'PinCode' }, mandatoryScope: '', defaultScope: 'payments' });
    const pushed = await runCli(['profiles', 'push', file, '--server', server.url, '--admin-token', ADMIN_TOKEN], {});
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout.trim()).toBe('profile mobile created');
    const expected = { name: 'mobile', max_token_expiration: 900, scope_element_mapping: { payments: ['PinCode'] }, mandatory_scope: [], default_scope: 'payments', registration_checks: [] };
    expect(await (await server.admin('GET', '/profiles/mobile')).json()).toMatchObject({ ...expected, registration_enabled: false });

    const pulled = await runCli(['profiles', 'pull', 'mobile', '--server', `${server.url}/`], env);
    expect(pulled.stderr).toBe('');
    expect(JSON.parse(pulled.stdout)).toEqual(expected);

    // A second push replaces the settings and keeps registration_enabled, which files do not carry.
    expect((await server.admin('PATCH', '/profiles/mobile', { registration_enabled: true })).status).toBe(200);
    const again = await runCli(['profiles', 'push', write('mobile.json', { ...expected, max_token_expiration: 300 }), '--server', server.url], env);
    expect(again.stdout.trim()).toBe('profile mobile replaced');
    expect(await (await server.admin('GET', '/profiles/mobile')).json()).toMatchObject({ max_token_expiration: 300, registration_enabled: true });
  });

  it("shows the admin API's message when the server refuses", async () => {
    await expectOneLineError(['profiles', 'pull', 'nope', '--server', server.url], env, /^gatehouse: no security profile named 'nope'$/);
    await expectOneLineError(
      ['profiles', 'push', write('bad.json', { scope_element_mapping: { pay: 'NoSuchCheck' } }), '--server', server.url],
      env,
      /^gatehouse: scope_element_mapping: no security check named NoSuchCheck/,
    );
    expect((await server.admin('GET', '/profiles/bad')).status).toBe(404);
    const refused = await runCli(['profiles', 'pull', 'mobile', '--server', server.url, '--admin-token', 'wrong-token-0123456789abcdef'], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stdout).toBe('');
  });

  it('shows every field the admin API refuses in the one line', async () => {
    await expectOneLineError(
      ['profiles', 'push', write('several.json', { scope_element_mapping: { pay: 'NoSuchCheck' }, registration_checks: 'NoHook' }), '--server', server.url],
      env,
      /^gatehouse: scope_element_mapping: no security check named NoSuchCheck; .*; registration_checks: no security check with a register hook named NoHook/,
    );
    expect((await server.admin('GET', '/profiles/several')).status).toBe(404);
  });

  it('names an unreachable server and a missing token in one line', async () => {
    await expectOneLineError(['profiles', 'pull', 'mobile', '--server', 'http://127.0.0.1:1'], env, /^gatehouse: cannot reach http:\/\/127\.0\.0\.1:1: /);
    await expectOneLineError(['profiles', 'pull', 'mobile', '--server', server.url], {}, /^gatehouse: --server needs an admin token/);
    await expectOneLineError(['profiles', 'pull', 'mobile', '--server', 'not a url'], env, /^gatehouse: --server: 'not a url' is not a URL$/);
  });
});
