import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-operator-cli-'));
const env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: 'error', GATEHOUSE_ADMIN_TOKEN: 'operator-commands-admin-token-0123456789' };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function ok(args: string[], input?: string): Promise<string> {
  const result = await runCli(args, env, input);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('CLI commands for what only the admin API could do', () => {
  it('sets a refresh-token lifetime, lists clients as a table and calls an expired client expired', async () => {
    const created = JSON.parse(await ok(['clients', 'create', '--id', 'long-lived', '--grant-types', 'password', '--refresh-tokens', '--refresh-token-lifetime', '86400', '--json'])) as {
      refresh_token_lifetime: number;
    };
    expect(created.refresh_token_lifetime).toBe(86400);
    const refused = await runCli(['clients', 'update', 'long-lived', '--refresh-token-lifetime', '5'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^gatehouse: --refresh-token-lifetime: must be an integer from 60 to \d+ \(seconds\)\n$/);

    const expired = await runCli(['clients', 'create', '--id', 'old', '--expires-at', '2020-01-01T00:00:00Z'], env);
    expect(expired.code).toBe(0);
    expect(expired.stderr).toContain('warning: --expires-at 2020-01-01T00:00:00.000Z has passed');
    expect(expired.stdout).toMatch(/^status: +expired$/m);

    const lines = (await ok(['clients', 'list'])).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLIENT ID +STATUS +TYPE +GRANT TYPES +NAME$/);
    const statusColumn = lines[0]!.indexOf('STATUS');
    const row = (id: string) => lines.find((line) => line.startsWith(`${id} `))!;
    expect(row('old').slice(statusColumn)).toMatch(/^expired /);
    expect(row('long-lived').slice(statusColumn)).toMatch(/^enabled /);
    expect(lines.at(-1)).toBe('2 of 2 client(s)');
  });

  it('unlocks a locked user by username, and lists users as a table with the lock', async () => {
    await ok(['users', 'create', 'dana', '--password-stdin'], 'correct horse battery\n');
    // Lock her as the sign-in does after GATEHOUSE_LOCKOUT_THRESHOLD failures: through the store's own path.
    const { openGatehouse } = await import('../../src/gatehouse.js');
    const { loadConfig } = await import('../../src/config/load-config.js');
    const { createLogger } = await import('../../src/server/logger.js');
    const previous = process.env.GATEHOUSE_DATA_DIR;
    process.env.GATEHOUSE_DATA_DIR = dataDir;
    const gatehouse = await openGatehouse(loadConfig({}), createLogger('error', process.stderr));
    try {
      const user = await gatehouse.usersRepository.findByIdOrUsername('dana');
      await gatehouse.usersRepository.update(user!.id, (current) => ({ ...current, lockedUntil: Date.now() + 3_600_000 }));
    } finally {
      await gatehouse.close();
      if (previous === undefined) delete process.env.GATEHOUSE_DATA_DIR;
      else process.env.GATEHOUSE_DATA_DIR = previous;
    }
    const listed = (await ok(['users', 'list'])).split('\n');
    expect(listed[0]).toMatch(/^ID +STATUS +USERNAME +DISPLAY NAME +ROLES$/);
    expect(listed.find((line) => line.includes(' dana'))).toMatch(/ locked +dana/);

    expect(await ok(['users', 'unlock', 'dana'])).toBe('user dana unlocked\n');
    const shown = JSON.parse(await ok(['users', 'show', 'dana', '--json'])) as { locked_until: string | null };
    expect(shown.locked_until).toBeNull();
    const missing = await runCli(['users', 'unlock', 'nobody'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("gatehouse: no user with id or username 'nobody'\n");
  });

  it('creates, lists and revokes initial access tokens of a profile, showing the token once', async () => {
    const file = join(dataDir, 'devices.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify({ name: 'devices', maxTokenExpiration: 600, scopeElementMapping: {}, mandatoryScope: '' }));
    await ok(['profiles', 'push', file]);
    const created = JSON.parse(await ok(['profiles', 'tokens', 'create', 'devices', '--description', 'factory line 3', '--expires-in', '3600', '--json'])) as {
      id: string;
      token: string;
      description: string;
    };
    expect(created.token.length).toBeGreaterThanOrEqual(32);
    expect(created.description).toBe('factory line 3');
    const table = await ok(['profiles', 'tokens', 'list', 'devices']);
    expect(table).toMatch(/^ID +STATUS +REGISTRATIONS +EXPIRES +DESCRIPTION$/m);
    expect(table).toMatch(new RegExp(`^${created.id} +active +0 +\\S+ +factory line 3$`, 'm'));
    expect(table).not.toContain(created.token);
    expect(await ok(['profiles', 'tokens', 'revoke', 'devices', created.id])).toBe(`initial access token ${created.id} revoked\n`);
    const after = JSON.parse(await ok(['profiles', 'tokens', 'list', 'devices', '--json'])) as { initial_access_tokens: { id: string; revoked_at: string | null }[] };
    expect(after.initial_access_tokens).toEqual([expect.objectContaining({ id: created.id, revoked_at: expect.any(String) })]);
    const badLifetime = await runCli(['profiles', 'tokens', 'create', 'devices', '--expires-in', '5'], env);
    expect(badLifetime.code).toBe(1);
    expect(badLifetime.stderr).toMatch(/^gatehouse: --expires-in: must be an integer from 60 to \d+ \(seconds\)\n$/);
  });

  it('queries the audit log by action and by username, as a table or as the admin API answers', async () => {
    const table = (await ok(['audit', 'list', '--action', 'user.unlock'])).split('\n');
    expect(table[0]).toMatch(/^AT +ACTION +OUTCOME +ACTOR +CLIENT +SUBJECT +DETAIL$/);
    // Newest first: the refused unlock of "nobody", then dana's.
    expect(table[1]).toMatch(/ user\.unlock +failure +cli +no user with id or username 'nobody'$/);
    expect(table[2]).toMatch(/ user\.unlock +success +cli +dana$/);
    const json = JSON.parse(await ok(['audit', 'list', '--action', 'profile.create_initial_access_token', '--outcome', 'success', '--json'])) as {
      events: { action: string; target: string }[];
      total: number;
    };
    expect(json.total).toBe(1);
    expect(json.events[0]).toMatchObject({ action: 'profile.create_initial_access_token', target: 'devices' });
    const badDate = await runCli(['audit', 'list', '--from', 'yesterday'], env);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toContain('--from must be an ISO 8601 date or date-time');
    const badOutcome = await runCli(['audit', 'list', '--outcome', 'maybe'], env);
    expect(badOutcome.code).toBe(1);
    expect(badOutcome.stderr).toContain("argument 'maybe' is invalid");
  });
});
