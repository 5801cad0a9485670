import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import { AuditEventsRepository } from '../../src/store/audit-events-repository.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { exitOf, runCli, startCliServer } from '../helpers/cli.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

describe('gatehouse CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: 'cli-test-admin-token-0123456789' };
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops on a bad configuration value with one line naming the variable', async () => {
    for (const [name, value, allowed] of [
      ['GATEHOUSE_SIGNING_ALG', 'HS256', 'ES256, EdDSA, RS256, PS256'],
      ['PORT', 'abc', 'integer'],
      ['GATEHOUSE_ISSUER', 'not-a-url', 'URL'],
    ] as const) {
      const result = await runCli(['clients', 'list'], { ...env, [name]: value });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(name);
      expect(lines[0]).toContain(allowed);
    }
  });

  it('refuses to start with SameSite=None token cookies and an http issuer, with one line naming the variable', async () => {
    // Any command reads the configuration the way serve does (a server would keep running, so it is not used here).
    const refused = await runCli(['clients', 'list'], { ...env, GATEHOUSE_COOKIE_SAMESITE: 'none', GATEHOUSE_ISSUER: 'http://gatehouse.example' });
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gatehouse: GATEHOUSE_COOKIE_SAMESITE: none needs an https issuer/);
    expect(lines[0]).toContain('http://gatehouse.example');
    const accepted = await runCli(['clients', 'list'], { ...env, GATEHOUSE_COOKIE_SAMESITE: 'none', GATEHOUSE_ISSUER: 'https://gatehouse.example' });
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
  });

  it('stops on a data folder, database, port or address it cannot use, with one line naming the variable', async () => {
    const blocker = join(dataDir, 'a-file');
    writeFileSync(blocker, '');
    const occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    const port = String((occupied.address() as { port: number }).port);
    try {
      const cases: [string[], Record<string, string>, string, string][] = [
        [['clients', 'list'], { GATEHOUSE_DATA_DIR: join(blocker, 'data') }, 'GATEHOUSE_DATA_DIR', 'ENOTDIR'],
        [['migrate'], { GATEHOUSE_DATA_DIR: join(blocker, 'data') }, 'GATEHOUSE_DATA_DIR', 'ENOTDIR'],
        [['clients', 'list'], { DATABASE_URL: 'postgres://postgres:db-password-123@127.0.0.1:1/gatehouse' }, 'DATABASE_URL', 'postgres://127.0.0.1:1/gatehouse'],
        // One issuer for both starts: instances on one data folder must agree on it (the default follows PORT).
        [['serve'], { PORT: port, GATEHOUSE_ISSUER: 'http://cli-test.example' }, 'PORT', 'already in use'],
        [['serve'], { PORT: '0', HOST: '192.0.2.1', GATEHOUSE_ISSUER: 'http://cli-test.example' }, 'HOST', 'not an address of this machine'],
      ];
      for (const [args, overrides, name, detail] of cases) {
        const result = await runCli(args, { ...env, ...overrides });
        expect(result.code).toBe(1);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^gatehouse: ${name}: `));
        expect(lines[0]).toContain(detail);
        expect(lines[0]).not.toContain('db-password-123');
      }
    } finally {
      await new Promise((resolve) => occupied.close(resolve));
    }
  });

  it('manages clients with --json output', async () => {
    const created = await runCli(
      ['clients', 'create', '--id', 'cli-client', '--name', 'CLI client', '--scopes', 'a,b', '--grant-types', 'client_credentials,password', '--refresh-tokens', '--lifetime', '600', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string; scope: string; access_token_lifetime: number; grant_types: string[] };
    expect(client.client_id).toBe('cli-client');
    expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client.scope).toBe('a b offline_access');
    expect(client.access_token_lifetime).toBe(600);
    expect(client.grant_types).toEqual(['client_credentials', 'password']);

    const updated = JSON.parse((await runCli(['clients', 'update', 'cli-client', '--scopes', 'c', '--json'], env)).stdout) as { scope: string };
    expect(updated.scope).toBe('c offline_access');
    const disabled = JSON.parse((await runCli(['clients', 'disable', 'cli-client', '--json'], env)).stdout) as { enabled: boolean };
    expect(disabled.enabled).toBe(false);
    const rotated = JSON.parse((await runCli(['clients', 'rotate-secret', 'cli-client', '--grace', '0', '--json'], env)).stdout) as {
      client_secret: string;
      previous_secret_expires_at: string | null;
    };
    expect(rotated.client_secret).not.toBe(client.client_secret);
    expect(rotated.previous_secret_expires_at).toBeNull();

    const listed = JSON.parse((await runCli(['clients', 'list', '--json'], env)).stdout) as { clients: { client_id: string; enabled: boolean }[]; total: number };
    expect(listed.clients.find((entry) => entry.client_id === 'cli-client')?.enabled).toBe(false);
    expect(JSON.stringify(listed)).not.toContain(rotated.client_secret);

    const shown = await runCli(['clients', 'show', 'cli-client'], env);
    expect(shown.stdout).toContain('CLI client');
    expect(shown.stdout).not.toContain(rotated.client_secret);

    const badLifetime = await runCli(['clients', 'create', '--lifetime', '100000000'], env);
    expect(badLifetime.code).toBe(1);
    expect(badLifetime.stderr.trim()).toMatch(/^gatehouse: --lifetime: /);
    // Above the server's maximum (GATEHOUSE_MAX_TOKEN_LIFETIME, default 86400): refused, naming it.
    const aboveMaximum = await runCli(['clients', 'create', '--lifetime', '86401'], env);
    expect(aboveMaximum.code).toBe(1);
    expect(aboveMaximum.stderr.trim()).toMatch(/^gatehouse: --lifetime: must be at most 86400/);
    const narrowed = JSON.parse((await runCli(['clients', 'update', 'cli-client', '--default-scope', 'none', '--json'], env)).stdout) as { default_scope: string | null };
    expect(narrowed.default_scope).toBe('');
    const widened = JSON.parse((await runCli(['clients', 'update', 'cli-client', '--default-scope', 'all', '--json'], env)).stdout) as { default_scope: string | null };
    expect(widened.default_scope).toBeNull();
    // The roles-claim switch: on and off again, shown by clients show.
    const switched = JSON.parse((await runCli(['clients', 'update', 'cli-client', '--roles-claim', '--json'], env)).stdout) as { roles_claim: boolean };
    expect(switched.roles_claim).toBe(true);
    expect((await runCli(['clients', 'show', 'cli-client'], env)).stdout).toMatch(/^roles_claim: +true$/m);
    const unswitched = JSON.parse((await runCli(['clients', 'update', 'cli-client', '--no-roles-claim', '--json'], env)).stdout) as { roles_claim: boolean };
    expect(unswitched.roles_claim).toBe(false);
    const rolesClient = JSON.parse((await runCli(['clients', 'create', '--id', 'cli-roles', '--roles-claim', '--json'], env)).stdout) as { roles_claim: boolean };
    expect(rolesClient.roles_claim).toBe(true);
    expect((await runCli(['clients', 'delete', 'cli-roles'], env)).code).toBe(0);

    expect((await runCli(['clients', 'delete', 'cli-client'], env)).code).toBe(0);
    const missing = await runCli(['clients', 'show', 'cli-client'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cli-client');
  });

  it('manages users, reading a password from stdin', async () => {
    const created = await runCli(['users', 'create', 'carol', '--password-stdin', '--roles', 'ops,audit', '--json'], env, 'carol password 1\n');
    expect(created.code).toBe(0);
    const user = JSON.parse(created.stdout) as { id: string; username: string; roles: string[] };
    expect(user.roles).toEqual(['ops', 'audit']);
    expect(created.stdout).not.toContain('carol password 1');
    const short = await runCli(['users', 'create', 'dave', '--password', 'short'], env);
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe('gatehouse: --password: must be a string of 8 to 1024 characters');
    const disabled = JSON.parse((await runCli(['users', 'disable', 'CAROL', '--json'], env)).stdout) as { id: string; enabled: boolean };
    expect(disabled).toMatchObject({ id: user.id, enabled: false });
  });

  it('lists, shows, updates, re-enables, sets the password of and deletes users', async () => {
    const created = JSON.parse(
      (await runCli(['users', 'create', 'Erik', '--password', 'erik password 1', '--email', 'erik@example.com', '--display-name', 'Erik Eriksson', '--json'], env)).stdout,
    ) as {
      id: string;
      display_name: string;
    };
    expect(created.display_name).toBe('Erik Eriksson');
    const listed = JSON.parse((await runCli(['users', 'list', '--search', 'eri', '--json'], env)).stdout) as { users: { id: string; username: string }[]; total: number };
    expect(listed).toEqual({ users: [expect.objectContaining({ id: created.id, username: 'Erik' })], total: 1 });
    const shown = await runCli(['users', 'show', 'erik'], env);
    expect(shown.stdout).toContain(created.id);
    expect(shown.stdout).toContain('erik@example.com');
    expect(shown.stdout).toContain('Erik Eriksson');
    expect(shown.stdout).not.toMatch(/argon2|erik password/);

    const updated = JSON.parse((await runCli(['users', 'update', created.id, '--display-name', 'Erik E', '--roles', 'ops,dev', '--email', '', '--json'], env)).stdout) as Record<string, unknown>;
    expect(updated).toMatchObject({ display_name: 'Erik E', roles: ['ops', 'dev'], email: null });
    const badEmail = await runCli(['users', 'update', 'erik', '--email', 'nope'], env);
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('--email');

    expect(JSON.parse((await runCli(['users', 'disable', 'erik', '--json'], env)).stdout)).toMatchObject({ enabled: false });
    expect(JSON.parse((await runCli(['users', 'enable', 'erik', '--json'], env)).stdout)).toMatchObject({ enabled: true });

    expect((await runCli(['users', 'set-password', 'erik', '--password-stdin'], env, 'erik password 2\n')).code).toBe(0);
    const store = openStore({ databaseUrl: undefined, dataDir });
    try {
      const stored = await new UsersRepository(store.db).get(created.id);
      const hasher = new PasswordHasher();
      expect(await hasher.verify(stored?.passwordHash ?? '', 'erik password 2')).toBe(true);
      expect(await hasher.verify(stored?.passwordHash ?? '', 'erik password 1')).toBe(false);
    } finally {
      await store.close();
    }
    const shortPassword = await runCli(['users', 'set-password', 'erik', '--password', 'short'], env);
    expect(shortPassword.code).toBe(1);
    expect(shortPassword.stderr).toContain('--password');

    expect((await runCli(['users', 'delete', 'ERIK'], env)).code).toBe(0);
    const gone = await runCli(['users', 'show', created.id], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(created.id);
  }, 120_000);

  it('generates, registers, lists and removes client keys', async () => {
    expect((await runCli(['clients', 'create', '--id', 'keyed', '--auth-method', 'private_key_jwt'], env)).code).toBe(0);
    const generated = JSON.parse((await runCli(['clients', 'keygen', 'keyed', '--alg', 'EdDSA', '--kid', 'cli-key', '--json'], env)).stdout) as {
      key: { kid: string; alg: string };
      private_key_pem: string;
    };
    expect(generated.key).toMatchObject({ alg: 'EdDSA', kid: 'cli-key' });
    expect(generated.private_key_pem).toContain('BEGIN PRIVATE KEY');
    const pem = `-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n`;
    const added = await runCli(['clients', 'add-key', 'keyed', '-', '--kid', 'from-stdin', '--json'], env, pem);
    expect(added.code).toBe(0);
    const keys = JSON.parse((await runCli(['clients', 'keys', 'keyed', '--json'], env)).stdout) as { keys: { kid: string }[] };
    expect(keys.keys.map((key) => key.kid).sort()).toEqual([generated.key.kid, 'from-stdin'].sort());
    expect((await runCli(['clients', 'remove-key', 'keyed', 'from-stdin'], env)).code).toBe(0);
    const missing = await runCli(['clients', 'remove-key', 'keyed', 'from-stdin'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('from-stdin');

    // An RSA key with the exponent 3 (only 65537 is accepted), and a kid outside [A-Za-z0-9._-].
    const weak = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const refused = await runCli(['clients', 'add-key', 'keyed', '-'], env, weak);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^gatehouse: key: RSA keys need the public exponent 65537/);
    const badKid = await runCli(['clients', 'add-key', 'keyed', '-', '--kid', 'a/b'], env, pem);
    expect(badKid.code).toBe(1);
    expect(badKid.stderr).toContain('kid must be');
  });

  it('lists and rotates signing keys, and reports migrations', async () => {
    const before = Date.now();
    const rotated = JSON.parse((await runCli(['keys', 'rotate', '--delay', '60', '--json'], env)).stdout) as { kid: string; state: string };
    const after = Date.now();
    expect(rotated.state).toBe('next');
    expect(rotated).toEqual({ kid: rotated.kid, alg: 'ES256', state: 'next', created_at: expect.any(String) as string, activates_at: expect.any(String) as string, published_until: null });
    // 60 s after the rotation, which happened while the CLI ran (however long a loaded machine took for it).
    const activatesAt = Date.parse((rotated as unknown as { activates_at: string }).activates_at);
    expect(activatesAt).toBeGreaterThanOrEqual(before + 59_000);
    expect(activatesAt).toBeLessThanOrEqual(after + 61_000);
    const { keys } = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout) as { keys: { kid: string; state: string }[] };
    expect(keys.map((key) => key.state)).toEqual(expect.arrayContaining(['active', 'next']));
    // The admin API's form (GET /admin/api/keys): snake_case, ISO 8601 times.
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['activates_at', 'alg', 'created_at', 'kid', 'published_until', 'state']);
    const migrate = await runCli(['migrate', '--dry-run'], env);
    expect(migrate.stdout.trim()).toBe('no pending migrations');
  });

  it('creates, lists, re-passwords and deletes console administrators', async () => {
    const created = await runCli(['admins', 'create', 'alice', '--password-stdin', '--json'], env, 'alice-password-123\n');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ username: 'alice' });
    expect(created.stdout).not.toContain('alice-password-123');
    const short = await runCli(['admins', 'create', 'bob', '--password', 'short'], env);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^gatehouse: --password: /);
    const again = await runCli(['admins', 'create', 'ALICE', '--password', 'another-password-1'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
    const list = await runCli(['admins', 'list', '--json'], env);
    const { admins } = JSON.parse(list.stdout) as { admins: Record<string, unknown>[] };
    expect(admins.map((admin) => admin.username)).toEqual(['alice']);
    expect(list.stdout).not.toMatch(/argon2|hash/);
    expect((await runCli(['admins', 'set-password', 'alice', '--password', 'a-new-password-456'], env)).code).toBe(0);
    expect((await runCli(['admins', 'delete', 'alice'], env)).code).toBe(0);
    const gone = await runCli(['admins', 'delete', 'alice'], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('no administrator');

    const store = openStore({ databaseUrl: undefined, dataDir });
    try {
      const { events } = await new AuditEventsRepository(store.db, store.engine).query({ actor: 'cli', limit: 50, offset: 0 });
      expect(events.map((event) => [event.action, event.target, event.outcome])).toEqual(
        expect.arrayContaining([
          ['admin.create', 'alice', 'success'],
          ['admin.create', 'ALICE', 'failure'],
          ['admin.set_password', 'alice', 'success'],
          ['admin.delete', 'alice', 'success'],
          ['admin.delete', 'alice', 'failure'],
        ]),
      );
      expect(events.some((event) => event.action.includes('list'))).toBe(false);
      expect(JSON.stringify(events)).not.toMatch(/password-(123|456)|another-password/);
    } finally {
      await store.close();
    }
  });

  it('reads a JSON configuration file given with --config', async () => {
    const file = join(dataDir, 'config.json');
    writeFileSync(file, JSON.stringify({ signingAlg: 'HS999' }));
    const result = await runCli(['--config', file, 'keys', 'list'], { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('signingAlg');
  });
});

describe('gatehouse serve', () => {
  it('prints a generated admin token once, keeps it across restarts, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-serve-'));
    try {
      const env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET };
      const first = await startCliServer(env);
      // The token is printed on another stream than the ready line: waited for, not assumed to have arrived.
      const printedToken = () => /^\s+([A-Za-z0-9_-]{43})\s*$/m.exec(first.output())?.[1];
      await vi.waitFor(() => expect(printedToken()).toBeDefined(), { timeout: 15_000, interval: 50 });
      const token = printedToken();
      const authorized = await fetch(`${first.url}/admin/api/clients`, { headers: { authorization: `Bearer ${token}` } });
      expect(authorized.status).toBe(200);
      first.child.kill('SIGTERM');
      expect(await exitOf(first.child)).toBe(0);

      const second = await startCliServer(env);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(second.output()).not.toContain('admin API token was generated');
      expect((await fetch(`${second.url}/admin/api/clients`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      second.child.kill('SIGTERM');
      expect(await exitOf(second.child)).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
