import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandingJson, BrowserSessionJson, ClientMetadata, ConsentJson } from '../../src/admin-api/wire.js';
import { generateSecret } from '../../src/keys/secret-digest.js';
import { AuditEventsRepository } from '../../src/store/audit-events-repository.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { signInStores } from '../../src/store/sign-in-stores-repository.js';
import { runCli } from '../helpers/cli.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';
const HOUR = 3_600_000;

describe('gatehouse CLI: browser sign-in (clients, sessions, consents, branding)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let aliceId: string;

  /** Works on the CLI's database between commands (each command opens and closes it). */
  async function withStore<T>(work: (store: StoreConnection) => Promise<T>): Promise<T> {
    const store = openStore({ databaseUrl: undefined, dataDir });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  }

  async function json<T>(args: string[]): Promise<T> {
    const result = await runCli([...args, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as T;
  }

  async function fails(args: string[]): Promise<string> {
    const result = await runCli(args, env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0] ?? '';
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-sign-in-cli-'));
    env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: SECRET, GATEHOUSE_ADMIN_TOKEN: 'cli-test-admin-token-0123456789' };
    aliceId = (await json<{ id: string }>(['users', 'create', 'alice', '--password', 'alice password 1'])).id;
    await json(['users', 'create', 'bob', '--password', 'bob password 1']);
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers a public client with redirect URIs, skip-consent and PAR, and changes them', async () => {
    const created = await json<ClientMetadata>([
      'clients',
      'create',
      '--id',
      'web',
      '--name',
      'Web app',
      '--public',
      '--redirect-uri',
      'https://app.example.com/callback',
      'http://127.0.0.1/callback',
      '--post-logout-redirect-uri',
      'https://app.example.com/bye',
      '--skip-consent',
      '--require-par',
    ]);
    expect(created).toMatchObject({
      client_id: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: ['https://app.example.com/callback', 'http://127.0.0.1/callback'],
      post_logout_redirect_uris: ['https://app.example.com/bye'],
      skip_consent: true,
      require_pushed_authorization_requests: true,
    });

    const shown = await runCli(['clients', 'show', 'web'], env);
    expect(shown.stdout).toMatch(/auth method: +none \(public client\)/);
    expect(shown.stdout).toMatch(/redirect_uris: +https:\/\/app\.example\.com\/callback http:\/\/127\.0\.0\.1\/callback/);
    expect(shown.stdout).toMatch(/post_logout_redirect_uris: +https:\/\/app\.example\.com\/bye/);
    expect(shown.stdout).toMatch(/skip_consent: +true/);
    expect(shown.stdout).toMatch(/require PAR: +true/);
    expect((await runCli(['clients', 'list'], env)).stdout).toMatch(/^web +enabled +public +authorization_code +Web app$/m);

    // Repeating the flag collects URIs; a comma stays inside a URI.
    const updated = await json<ClientMetadata>([
      'clients',
      'update',
      'web',
      '--redirect-uri',
      'https://app.example.com/a,b',
      '--redirect-uri',
      'com.example.app:/callback',
      '--post-logout-redirect-uri',
      'none',
      '--no-skip-consent',
      '--no-require-par',
    ]);
    expect(updated).toMatchObject({
      redirect_uris: ['https://app.example.com/a,b', 'com.example.app:/callback'],
      post_logout_redirect_uris: [],
      skip_consent: false,
      require_pushed_authorization_requests: false,
    });
    // A confidential client may use the code flow too.
    const confidential = await json<ClientMetadata>(['clients', 'create', '--id', 'portal', '--grant-types', 'authorization_code', '--redirect-uri', 'https://portal.example.com/cb']);
    expect(confidential).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'] });
  });

  it('names the flag of a bad value', async () => {
    expect(await fails(['clients', 'update', 'web', '--redirect-uri', 'http://app.example.com/callback'])).toMatch(/^gatehouse: --redirect-uri: /);
    expect(await fails(['clients', 'update', 'web', '--redirect-uri', 'none'])).toMatch(/^gatehouse: --redirect-uri: /);
    expect(await fails(['clients', 'update', 'web', '--redirect-uri', 'none', 'https://app.example.com/x'])).toMatch(/^gatehouse: --redirect-uri: "none"/);
    expect(await fails(['clients', 'create', '--public', '--auth-method', 'client_secret_post', '--redirect-uri', 'https://a.example/cb'])).toMatch(/^gatehouse: --public/);
    expect(await fails(['clients', 'create', '--public', '--grant-types', 'client_credentials', '--redirect-uri', 'https://a.example/cb'])).toMatch(/^gatehouse: --grant-types: /);
  });

  it('lists and ends browser sessions', async () => {
    const cookieValues = [generateSecret(), generateSecret(), generateSecret()];
    const ids = cookieValues.map((value) => `${value.slice(0, 40)}abc`);
    const bobId = (await json<{ id: string }>(['users', 'show', 'bob'])).id;
    await withStore(async (store) => {
      const now = Date.now();
      for (const [index, userId] of [aliceId, aliceId, bobId].entries()) {
        await signInStores(store.db).sessions.insert({
          idDigest: ids[index] ?? '',
          userId,
          authTime: now - index,
          amr: ['pwd'],
          createdAt: now - index * 1000,
          lastSeenAt: now,
          idleExpiresAt: now + HOUR,
          absoluteExpiresAt: now + 8 * HOUR,
          endedAt: null,
          userAgent: 'Mozilla/5.0 (test)',
          sourceAddress: '192.0.2.9',
        });
      }
    });

    const all = await json<{ sessions: BrowserSessionJson[]; total: number }>(['sessions', 'list']);
    expect(all.total).toBe(3);
    const alices = await json<{ sessions: BrowserSessionJson[]; total: number }>(['sessions', 'list', '--user', 'alice']);
    expect(alices.sessions.map((session) => [session.id, session.username])).toEqual([
      [ids[0], 'alice'],
      [ids[1], 'alice'],
    ]);
    const text = await runCli(['sessions', 'list', '--user', aliceId, '--limit', '1'], env);
    expect(text.stdout).toContain(`${ids[0]}\talice\t`);
    expect(text.stdout).toContain('1 of 2 live session(s)');
    expect(await fails(['sessions', 'list', '--user', 'nobody'])).toContain('nobody');

    const ended = await runCli(['sessions', 'end', ids[1] ?? ''], env);
    expect(ended.stderr).toBe('');
    expect(ended.stdout).toBe('session of alice ended\n');
    expect(await fails(['sessions', 'end', ids[1] ?? ''])).toBe('gatehouse: no live browser session with this id');
    expect(await json(['sessions', 'end-all', 'ALICE'])).toEqual({ user_id: aliceId, ended: 1 });
    expect((await json<{ total: number }>(['sessions', 'list'])).total).toBe(1);
  });

  it('lists and withdraws consents', async () => {
    await withStore(async (store) => {
      await signInStores(store.db).consents.grant(aliceId, 'web', ['openid', 'photos:read'], Date.now());
    });
    const listed = await json<{ consents: ConsentJson[]; total: number }>(['consents', 'list', '--user', 'alice', '--client', 'web']);
    expect(listed.total).toBe(1);
    expect(listed.consents[0]).toMatchObject({ user_id: aliceId, username: 'alice', client_id: 'web', client_name: 'Web app', scope: 'openid photos:read' });
    expect((await runCli(['consents', 'list'], env)).stdout).toContain('alice\tweb\topenid photos:read\t');
    expect(await fails(['consents', 'list', '--client', 'no-such-client'])).toContain('no-such-client');

    expect((await runCli(['consents', 'withdraw', 'alice', 'web'], env)).stdout).toBe('consent of alice for web withdrawn\n');
    expect(await fails(['consents', 'withdraw', 'alice', 'web'])).toContain('has no consent');
    expect((await json<{ total: number }>(['consents', 'list'])).total).toBe(0);

    await withStore(async (store) => {
      const { events } = await new AuditEventsRepository(store.db, store.engine).query({ actor: 'cli', limit: 100, offset: 0 });
      expect(events.map((event) => [event.action, event.target, event.outcome, event.clientId])).toEqual(
        expect.arrayContaining([
          ['consent.withdraw', 'alice/web', 'success', 'web'],
          ['consent.withdraw', 'alice/web', 'failure', 'web'],
          ['browser_session.end', expect.any(String), 'success', null],
          ['user.end_sessions', 'ALICE', 'success', null],
        ]),
      );
    });
  });

  it('shows and sets the branding of the sign-in pages', async () => {
    expect(await json<BrandingJson>(['branding', 'show'])).toEqual({ product_name: 'Gatehouse', logo_url: null, primary_colour: '#1f5fbf', background_colour: '#ffffff' });
    const set = await json<BrandingJson>(['branding', 'set', '--product-name', 'Example Corp', '--primary-colour', '#AA0000', '--logo-url', 'https://cdn.example.com/logo.png']);
    expect(set).toEqual({ product_name: 'Example Corp', logo_url: 'https://cdn.example.com/logo.png', primary_colour: '#aa0000', background_colour: '#ffffff' });
    // Fields not given keep their values.
    expect(await json<BrandingJson>(['branding', 'set', '--logo-url', 'none'])).toEqual({ ...set, logo_url: null });
    expect((await runCli(['branding', 'show'], env)).stdout).toMatch(/product_name: +Example Corp/);
    expect(await fails(['branding', 'set', '--background-colour', 'white'])).toMatch(/^gatehouse: --background-colour: /);
    expect(await fails(['branding', 'set', '--logo-url', 'http://cdn.example.com/logo.png'])).toMatch(/^gatehouse: --logo-url: /);
    expect(await fails(['branding', 'set'])).toMatch(/^gatehouse: nothing to set/);
    // Every bad flag in the one line, each with its own message; nothing stored.
    expect(await fails(['branding', 'set', '--product-name', 'Changed', '--primary-colour', 'red', '--background-colour', '#12345'])).toBe(
      'gatehouse: --primary-colour: must be a colour #rrggbb; --background-colour: must be a colour #rrggbb',
    );
    await withStore(async (store) => {
      const row = await store.db.selectFrom('settings').select('value').where('name', '=', 'branding').executeTakeFirstOrThrow();
      expect(JSON.parse(row.value)).toEqual({ productName: 'Example Corp', logoUrl: null, primaryColour: '#aa0000', backgroundColour: '#ffffff' });
    });
  });
});
