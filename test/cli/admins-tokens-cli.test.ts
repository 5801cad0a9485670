import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { ADMIN_TOKEN, basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

/** Polls until `check` holds (no fixed sleeps); false after a generous deadline. */
async function eventually(check: () => Promise<boolean>, deadlineMs = 30_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe.each(STORES)('gatehouse admins (roles) and gatehouse tokens revoke on %s', (store) => {
  let server: TestServer;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  let client: { client_id: string; client_secret: string };

  beforeAll(async () => {
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    server = await startTestServer({ store, ...(database ? { database } : {}) });
    env = { GATEHOUSE_DATA_DIR: server.dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN, ...(database ? { DATABASE_URL: database.url } : {}) };
    client = await server.createClient({ grant_types: ['client_credentials', 'password'], scope: 'users' });
    expect((await server.admin('POST', '/users', { username: 'ivan', password: 'ivan password 1', roles: ['user-admin'] })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  it('creates accounts with a role, lists the roles in a table, and keeps the last administrator', async () => {
    expect((await runCli(['admins', 'create', 'root', '--password', 'root-password-123'], env)).stdout).toBe('administrator root created\n');
    const auditor = await runCli(['admins', 'create', 'olga', '--password', 'olga-password-123', '--role', 'auditor', '--json'], env);
    expect(JSON.parse(auditor.stdout)).toMatchObject({ username: 'olga', role: 'auditor' });
    const bad = await runCli(['admins', 'create', 'pete', '--password', 'pete-password-123', '--role', 'root'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('gatehouse: --role: must be one of admin, auditor\n');
    // Every problem of one command line at once, each named by its flag, on the one line; nothing created.
    const several = await runCli(['admins', 'create', 'has space', '--password', 'short', '--role', 'root'], env);
    expect(several.code).toBe(1);
    expect(several.stderr).toBe(
      "gatehouse: <username>: must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit; --password: must be 12 to 1024 characters; --role: must be one of admin, auditor\n",
    );
    const list = await runCli(['admins', 'list'], env);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+CREATED$/);
    expect(lines.slice(1, 3).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['olga', 'auditor'],
      ['root', 'admin'],
    ]);
    const demote = await runCli(['admins', 'set-role', 'root', 'auditor'], env);
    expect(demote.code).toBe(1);
    expect(demote.stderr).toBe('gatehouse: at least one account must keep the admin role\n');
    expect((await runCli(['admins', 'set-role', 'olga', 'admin'], env)).stdout).toBe('olga is now an administrator\n');
    expect((await runCli(['admins', 'set-role', 'root', 'auditor'], env)).code).toBe(0);
    const { admins } = JSON.parse((await runCli(['admins', 'list', '--json'], env)).stdout) as { admins: { username: string; role: string }[] };
    expect(admins.map((admin) => [admin.username, admin.role])).toEqual([
      ['olga', 'admin'],
      ['root', 'auditor'],
    ]);
  });

  it('refuses tokens revoke without exactly one of --jti, --client, --user: one line and the hint to --help', async () => {
    for (const args of [[], ['--jti', 'a', '--client', 'b'], ['--client', 'b', '--user', 'c']]) {
      const result = await runCli(['tokens', 'revoke', ...args], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("error: give exactly one of --jti <jti>, --client <client-id> or --user <user>\nRun 'gatehouse tokens revoke --help' for usage.\n");
    }
    const unknown = await runCli(['tokens', 'revoke', '--client', 'no-such-client'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('revokes by --jti, --user and --client; the running server refuses those tokens without a restart', async () => {
    const active = async (token: string) =>
      ((await (await postForm(`${server.url}/oauth/introspect`, { token }, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as { active: boolean }).active;
    const issue = async (params: Record<string, string>) =>
      ((await (await postForm(`${server.url}/oauth/token`, params, { authorization: basicAuth(client.client_id, client.client_secret) })).json()) as { access_token: string }).access_token;
    const clientToken = () => issue({ grant_type: 'client_credentials', scope: 'users' });
    const userToken = () => issue({ grant_type: 'password', username: 'ivan', password: 'ivan password 1', scope: 'users' });

    const byJti = await clientToken();
    const jti = String(decodeJwt(byJti).jti);
    const revoked = await runCli(['tokens', 'revoke', '--jti', jti], env);
    expect(revoked.stdout).toBe(`token ${jti} revoked\n`);
    expect(await eventually(async () => !(await active(byJti)))).toBe(true);

    const ofIvan = await userToken();
    const clientOwn = await clientToken();
    const user = await runCli(['tokens', 'revoke', '--user', 'ivan', '--json'], env);
    expect(JSON.parse(user.stdout)).toMatchObject({ revoked: 'user', username: 'ivan' });
    expect(await eventually(async () => !(await active(ofIvan)))).toBe(true);
    expect(await active(clientOwn)).toBe(true);

    const byClient = await runCli(['tokens', 'revoke', '--client', client.client_id], env);
    expect(byClient.stdout).toMatch(new RegExp(`^every token of client ${client.client_id} issued until \\S+ revoked \\(0 refresh token\\(s\\)\\)\\n$`));
    expect(await eventually(async () => !(await active(clientOwn)))).toBe(true);

    await server.gatehouse.audit.flush();
    const { events } = (await (await server.admin('GET', '/audit?actor=cli&action=token.revoke&outcome=success')).json()) as { events: { target: string }[] };
    expect(events.map((event) => event.target).sort()).toEqual([client.client_id, 'ivan', jti].sort());
  });
});
