import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

// Issue 21: a command with several bad flags names every one of them, in one line, by the flag the user typed.
describe('gatehouse clients and users: every bad flag at once', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-flags-'));
    env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: 'cli-test-admin-token-0123456789' };
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('create with two bad flags prints one line naming both flags, and creates nothing', async () => {
    const result = await runCli(['clients', 'create', '--id', 'two-bad', '--secret', 'too short', '--lifetime', '100000000'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("gatehouse: --secret: must be a string of 20 to 512 characters; --lifetime: must be an integer from 0 to 99999999 (seconds; 0: the server's maximum)");
    const listed = JSON.parse((await runCli(['clients', 'list', '--json'], env)).stdout) as { total: number };
    expect(listed.total).toBe(0);
  });

  it('update with a bad flag and a broken rule names both flags, and changes nothing', async () => {
    expect((await runCli(['clients', 'create', '--id', 'kept', '--name', 'Kept', '--json'], env)).code).toBe(0);
    const result = await runCli(['clients', 'update', 'kept', '--expires-at', 'tomorrow', '--grant-types', 'authorization_code'], env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gatehouse: --expires-at: must be an ISO 8601 date.*; --redirect-uri: the authorization_code grant needs at least one redirect URI$/);
    const shown = JSON.parse((await runCli(['clients', 'show', 'kept', '--json'], env)).stdout) as { grant_types: string[]; expires_at: string | null };
    expect(shown).toMatchObject({ grant_types: ['client_credentials'], expires_at: null });
  });

  it('users create with a bad password, email and roles names the three flags in one line, and creates nothing', async () => {
    const result = await runCli(['users', 'create', 'dana', '--password', 'short', '--email', 'not-an-address', '--roles', 'ops, has space'], env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'gatehouse: --password: must be a string of 8 to 1024 characters; --email: must be an email address or null; --roles: must be a list of role names (1 to 64 printable characters, no spaces)',
    );
    const listed = JSON.parse((await runCli(['users', 'list', '--json'], env)).stdout) as { total: number };
    expect(listed.total).toBe(0);
  });
});
