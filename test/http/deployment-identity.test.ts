import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { ADMIN_TOKEN, startTestServer, STORES, type StoreKind } from '../helpers/test-server.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';
const OTHER_SECRET = 'b3RoZXItbWFzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';
const ISSUER = 'https://gatehouse.example';
const OTHER_ISSUER = 'https://gatehouse-other.example';

/**
 * Instances that share a database agree on the issuer and the master secret: one started with another
 * issuer or another secret refuses to start, naming both issuers (or the secrets' fingerprints, never a
 * secret); `gatehouse issuer set` is the deliberate change.
 */
describe.each(STORES)('one issuer and one master secret per database on %s', (store: StoreKind) => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  /** Another instance on the same store (same data folder / same PostgreSQL database). */
  const start = (config: { issuer: string; masterSecret?: string }) =>
    startTestServer({ store, dataDir, ...(database ? { database: { ...database, drop: async () => undefined } } : {}), config: { masterSecret: SECRET, ...config } });
  const cli = (args: string[]) => runCli(args, { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN, ...(database ? { DATABASE_URL: database.url } : {}) });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-identity-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    const first = await start({ issuer: ISSUER });
    await first.close();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to start with another issuer, naming both', async () => {
    const refusal = await start({ issuer: OTHER_ISSUER }).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (error: unknown) => (error as Error).message,
    );
    expect(refusal).toMatch(/^GATEHOUSE_ISSUER: /);
    expect(refusal).toContain(OTHER_ISSUER);
    expect(refusal).toContain(ISSUER);
    expect(refusal).toContain('gatehouse issuer set');
    // The same issuer starts.
    await (await start({ issuer: ISSUER })).close();
  });

  it('refuses to start with another master secret, without printing either', async () => {
    const refusal = await start({ issuer: ISSUER, masterSecret: OTHER_SECRET }).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (error: unknown) => (error as Error).message,
    );
    expect(refusal).toMatch(/^GATEHOUSE_SECRET: the master secret differs .*fingerprint [\w-]{12} here, [\w-]{12} recorded/);
    expect(refusal).not.toContain(SECRET);
    expect(refusal).not.toContain(OTHER_SECRET);
    // A one-shot CLI command with the other secret is refused too: it would write with a key no instance reads.
    const command = await runCli(['clients', 'list'], { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: OTHER_SECRET, ...(database ? { DATABASE_URL: database.url } : {}) });
    expect(command.code).toBe(1);
    expect(command.stderr).toContain('the master secret differs');
  });

  it.runIf(store === 'sqlite')('refuses GATEHOUSE_SECRET when it differs from the master.key of the data folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-identity-key-'));
    try {
      // Without GATEHOUSE_SECRET the first start generates master.key in the folder.
      await (await startTestServer({ store, dataDir: folder, config: { issuer: ISSUER, masterSecret: undefined } })).close();
      await expect(startTestServer({ store, dataDir: folder, config: { issuer: ISSUER, masterSecret: OTHER_SECRET } })).rejects.toThrow(/^GATEHOUSE_SECRET: the master secret differs/);
      await (await startTestServer({ store, dataDir: folder, config: { issuer: ISSUER, masterSecret: undefined } })).close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('starts with another issuer once `gatehouse issuer set` recorded it, and then refuses the old one', async () => {
    expect((await cli(['issuer', 'show'])).stdout.trim()).toBe(ISSUER);
    const bad = await cli(['issuer', 'set', 'not a url']);
    expect(bad.code).toBe(1);
    const changed = await cli(['issuer', 'set', OTHER_ISSUER]);
    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain(`issuer set to ${OTHER_ISSUER} (was ${ISSUER})`);

    const server = await start({ issuer: OTHER_ISSUER });
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    expect(metadata.issuer).toBe(OTHER_ISSUER);
    await server.close();
    await expect(start({ issuer: ISSUER })).rejects.toThrow(/GATEHOUSE_ISSUER: .*differs from https:\/\/gatehouse-other\.example/);
  });
});
