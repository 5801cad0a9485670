import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientMetadata } from '../../src/admin-api/wire.js';
import { AuditEventsRepository } from '../../src/store/audit-events-repository.js';
import { openStore } from '../../src/store/database.js';
import { runCli } from '../helpers/cli.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

describe('gatehouse clients pin: the PIN of the PinCode check', () => {
  let dataDir: string;
  let env: Record<string, string>;

  async function ok(args: string[], input?: string): Promise<string> {
    const result = await runCli(args, env, input);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  }

  async function fails(args: string[]): Promise<string> {
    const result = await runCli(args, env);
    expect(result.code).toBe(1);
    return result.stderr.trim();
  }

  async function pinSet(): Promise<boolean> {
    return (JSON.parse(await ok(['clients', 'show', 'svc', '--json'])) as ClientMetadata).pin_set;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-pin-cli-'));
    env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: 'cli-test-admin-token-0123456789' };
    await ok(['clients', 'create', '--id', 'svc', '--name', 'Service', '--grant-types', 'client_credentials', '--scopes', 'read']);
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets, shows, changes and clears a PIN, refuses bad input, and audits as the admin API does', async () => {
    expect(await ok(['clients', 'show', 'svc'])).toMatch(/^PIN: +not set$/m);
    expect(await pinSet()).toBe(false);

    expect(await ok(['clients', 'pin', 'svc', '--pin', '1234'])).toBe('client svc: PIN set\n');
    expect(await ok(['clients', 'show', 'svc'])).toMatch(/^PIN: +set$/m);
    expect(await pinSet()).toBe(true);

    expect(JSON.parse(await ok(['clients', 'pin', 'svc', '--pin-stdin', '--json'], '987654\n'))).toEqual({ client_id: 'svc', pin_set: true });

    // The admin API's message, and the PIN stays as it was.
    expect(await fails(['clients', 'pin', 'svc', '--pin', '12'])).toContain('pin: must be 4 to 64 visible ASCII characters');
    expect(await pinSet()).toBe(true);
    expect(await fails(['clients', 'pin', 'svc'])).toContain('give --pin <pin>, --pin-stdin or --clear');
    expect(await fails(['clients', 'pin', 'svc', '--pin', '1234', '--clear'])).toContain('not several');
    expect(await fails(['clients', 'pin', 'nope', '--pin', '1234'])).toContain("no client with id 'nope'");

    expect(await ok(['clients', 'pin', 'svc', '--clear'])).toBe('client svc: PIN removed\n');
    expect(await ok(['clients', 'show', 'svc'])).toMatch(/^PIN: +not set$/m);
    expect(await pinSet()).toBe(false);

    const store = openStore({ databaseUrl: undefined, dataDir });
    try {
      const { events } = await new AuditEventsRepository(store.db, store.engine).query({ actor: 'cli', limit: 100, offset: 0 });
      const pinEvents = events.filter((event) => event.action.includes('pin')).map((event) => [event.action, event.target, event.outcome, event.clientId]);
      expect(pinEvents).toEqual(
        expect.arrayContaining([
          ['client.set_pin', 'svc', 'success', 'svc'],
          ['client.set_pin', 'svc', 'failure', 'svc'],
          ['client.set_pin', 'nope', 'failure', 'nope'],
          ['client.remove_pin', 'svc', 'success', 'svc'],
        ]),
      );
      expect(pinEvents.filter(([action, , outcome]) => action === 'client.set_pin' && outcome === 'success')).toHaveLength(2);
      // No PIN is ever written to the audit log.
      expect(JSON.stringify(events)).not.toContain('987654');
    } finally {
      await store.close();
    }
  });
});
