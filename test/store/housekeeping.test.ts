import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Housekeeping } from '../../src/housekeeping/housekeeping.js';
import { purgeTasks, type PurgeTask } from '../../src/store/purge-tasks.js';
import { openStore, type StoreConnection } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

const logger = pino({ level: 'silent' });
const NOW = 1_900_000_000_000;
const HOUR = 3_600_000;
const RETENTION = { changeEventsMs: HOUR, usedRefreshTokensMs: 24 * HOUR, adminSessionIdleMs: HOUR, auditEventsMs: 24 * HOUR };

async function insertMany<T extends keyof Database>(store: StoreConnection, table: T, rows: Database[T][]): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    await store.db
      .insertInto(table)
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of the named table
      .values(rows.slice(start, start + 500) as any)
      .execute();
  }
}

async function count(store: StoreConnection, table: keyof Database): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function refreshToken(digest: string, expiresAt: number, usedAt: number | null) {
  return { token_digest: digest, family_id: 'f', client_id: 'c', user_id: 'u', scope: '', resources: '[]', created_at: NOW - HOUR, expires_at: expiresAt, used_at: usedAt, revoked_at: null };
}

/** Wraps tasks to count how many batches each ran. */
function counted(tasks: PurgeTask[]): { tasks: PurgeTask[]; batches: Record<string, number> } {
  const batches: Record<string, number> = {};
  return {
    batches,
    tasks: tasks.map((task) => ({
      name: task.name,
      purgeBatch: (db, now, limit) => {
        batches[task.name] = (batches[task.name] ?? 0) + 1;
        return task.purgeBatch(db, now, limit);
      },
    })),
  };
}

describe.each(STORES)('housekeeping on %s', (engine) => {
  let store: StoreConnection;
  let dataDir: string;
  let database: TestDatabase | undefined;
  const open = () => openStore({ databaseUrl: database?.url, dataDir });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-housekeeping-'));
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    store = open();
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('purges expired and long-used rows in batches and keeps live ones', async () => {
    const expired = 2_345;
    await insertMany(
      store,
      'revoked_tokens',
      Array.from({ length: expired }, (_, i) => ({ jti: `gone-${i}`, client_id: 'c', expires_at: NOW - 1 - i, revoked_at: NOW - HOUR })),
    );
    await insertMany(store, 'revoked_tokens', [
      { jti: 'live-1', client_id: 'c', expires_at: NOW + 1, revoked_at: NOW - HOUR },
      { jti: 'live-2', client_id: 'c', expires_at: NOW + HOUR, revoked_at: NOW - HOUR },
    ]);
    await insertMany(store, 'revoked_grants', [
      { family_id: 'grant-gone', client_id: 'c', expires_at: NOW - 1, revoked_at: NOW - HOUR },
      { family_id: 'grant-live', client_id: 'c', expires_at: NOW + HOUR, revoked_at: NOW - HOUR },
    ]);
    await insertMany(store, 'used_assertions', [
      { client_id: 'c', jti: 'old', expires_at: NOW - 1 },
      { client_id: 'd', jti: 'old', expires_at: NOW },
      { client_id: 'c', jti: 'fresh', expires_at: NOW + 1 },
      { client_id: 'd', jti: 'fresh', expires_at: NOW + 300_000 },
    ]);
    await insertMany(store, 'refresh_tokens', [
      refreshToken('expired-unused', NOW - 1, null),
      refreshToken('expired-used', NOW - 1, NOW - 2 * HOUR),
      refreshToken('used-long-ago', NOW + 29 * 24 * HOUR, NOW - 25 * HOUR),
      refreshToken('used-recently', NOW + 29 * 24 * HOUR, NOW - 23 * HOUR),
      refreshToken('live', NOW + 29 * 24 * HOUR, null),
    ]);
    const checkState = (client: string, passedUntil: number | null, failedAttempts: number, blockedUntil: number | null) => ({
      client_id: client,
      check_name: 'PinCode',
      passed_until: passedUntil,
      failed_attempts: failedAttempts,
      blocked_until: blockedUntil,
      version: 1,
      updated_at: NOW - HOUR,
    });
    await insertMany(store, 'security_check_states', [
      checkState('success-expired', NOW - 1, 0, null),
      checkState('block-over', null, 0, NOW - 1),
      checkState('success-valid', NOW + HOUR, 0, null),
      checkState('blocked', null, 0, NOW + HOUR),
      checkState('counting-failures', null, 2, null),
    ]);
    await store.db
      .insertInto('change_events')
      .values([
        { kind: 'client', ref: 'old', created_at: NOW - 2 * HOUR },
        { kind: 'client', ref: 'recent', created_at: NOW - HOUR / 2 },
      ])
      .execute();

    await insertMany(store, 'admin_sessions', [
      { session_digest: 'expired', admin_id: 'a', created_at: NOW - 2 * HOUR, last_used_at: NOW - 60_000, expires_at: NOW - 1 },
      { session_digest: 'idle', admin_id: 'a', created_at: NOW - 2 * HOUR, last_used_at: NOW - HOUR - 1, expires_at: NOW + HOUR },
      { session_digest: 'active', admin_id: 'a', created_at: NOW - 2 * HOUR, last_used_at: NOW - 60_000, expires_at: NOW + HOUR },
    ]);

    await insertMany(store, 'attempt_counters', [
      { key: 'ended', attempts: 5, window_ends_at: NOW - 1 },
      { key: 'ends-now', attempts: 1, window_ends_at: NOW },
      { key: 'running', attempts: 3, window_ends_at: NOW + 1 },
    ]);

    // Browser sign-in (migration 0020): codes are kept 10 minutes past expiry (replays still revoke their grant),
    // ended sessions a day.
    await insertMany(store, 'sign_in_interactions', [
      { id_digest: 'interaction-expired', request: '{}', csrf_digest: 'x', session_id_digest: null, created_at: NOW - HOUR, expires_at: NOW },
      { id_digest: 'interaction-live', request: '{}', csrf_digest: 'x', session_id_digest: null, created_at: NOW - 60_000, expires_at: NOW + 1 },
    ]);
    const code = (digest: string, expiresAt: number, usedAt: number | null) => ({
      code_digest: digest,
      client_id: 'c',
      redirect_uri: 'https://app.example/cb',
      code_challenge: 'challenge',
      nonce: null,
      resources: '[]',
      scopes: '[]',
      user_id: 'u',
      session_id_digest: 's',
      auth_time: NOW - HOUR,
      amr: '["pwd"]',
      grant_id: 'g',
      created_at: expiresAt - 60_000,
      expires_at: expiresAt,
      used_at: usedAt,
    });
    await insertMany(store, 'authorization_codes', [
      code('code-long-expired', NOW - 10 * 60_000, null),
      code('code-used-long-expired', NOW - 11 * 60_000, NOW - 11 * 60_000 - 30_000),
      code('code-recently-expired', NOW - 10 * 60_000 + 1, NOW - 10 * 60_000 - 1),
      code('code-live', NOW + 30_000, null),
    ]);
    await insertMany(store, 'pushed_authorization_requests', [
      { request_uri_digest: 'par-expired', client_id: 'c', params: '{}', created_at: NOW - 60_000, expires_at: NOW },
      { request_uri_digest: 'par-live', client_id: 'c', params: '{}', created_at: NOW - 30_000, expires_at: NOW + 30_000 },
    ]);
    await insertMany(store, 'users', [
      {
        id: 'session-user',
        username: 'session-user',
        username_key: 'session-user',
        password_hash: 'x',
        display_name: null,
        email: null,
        roles: '[]',
        enabled: 1,
        failed_attempts: 0,
        first_failed_at: null,
        locked_until: null,
        created_at: NOW,
        updated_at: NOW,
      },
    ]);
    const session = (digest: string, absoluteExpiresAt: number, endedAt: number | null, idleExpiresAt = NOW + HOUR) => ({
      id_digest: digest,
      user_id: 'session-user',
      auth_time: NOW - 2 * HOUR,
      amr: '["pwd"]',
      created_at: NOW - 2 * HOUR,
      last_seen_at: NOW - HOUR,
      idle_expires_at: idleExpiresAt,
      absolute_expires_at: absoluteExpiresAt,
      ended_at: endedAt,
      user_agent: null,
      source_address: '127.0.0.1',
    });
    await insertMany(store, 'browser_sessions', [
      session('session-past-absolute', NOW, null),
      session('session-ended-long-ago', NOW + HOUR, NOW - 24 * HOUR),
      session('session-ended-recently', NOW + HOUR, NOW - 24 * HOUR + 1),
      session('session-idle-over', NOW + HOUR, null, NOW - 1),
      session('session-live', NOW + HOUR, null),
    ]);

    await insertMany(store, 'clients', [
      {
        client_id: 'launching-client',
        client_name: 'launching client',
        secret_digest: null,
        previous_secret_digest: null,
        previous_secret_expires_at: null,
        grant_types: '["client_credentials"]',
        scope: '[]',
        token_endpoint_auth_method: 'client_secret_basic',
        access_token_lifetime: 0,
        refresh_tokens: 0,
        enabled: 1,
        expires_at: null,
        allowed_origins: '[]',
        jwks: null,
        created_at: NOW,
        updated_at: NOW,
        refresh_token_lifetime: 0,
        may_act_for_users: 0,
        profile: null,
        pin_digest: null,
        redirect_uris: '[]',
        post_logout_redirect_uris: '[]',
        skip_consent: 0,
        default_scope: null,
        require_par: 0,
        roles_claim: 0,
      },
    ]);
    const launch = (digest: string, expiresAt: number, usedAt: number | null) => ({
      id_digest: digest,
      client_id: 'launching-client',
      subject: 'u',
      jti: digest,
      sealed_token: 'v1.x.y.z',
      token_expires_at: NOW + HOUR,
      target: 'https://bi.example/',
      pass_through: '[]',
      created_at: expiresAt - 60_000,
      expires_at: expiresAt,
      used_at: usedAt,
    });
    await insertMany(store, 'app_token_launches', [launch('launch-expired', NOW, null), launch('launch-used-expired', NOW - 1, NOW - 30_000), launch('launch-live', NOW + 30_000, null)]);

    const auditEvent = (id: string, at: number) => ({
      id,
      at,
      actor: 'client',
      action: 'token.issued',
      target: null,
      outcome: 'success',
      status: 200,
      reason: null,
      client_id: 'c',
      source_address: null,
      grant_type: 'client_credentials',
      subject: 'c',
      scope: null,
      jti: id,
      expires_at: null,
    });
    await insertMany(store, 'audit_events', [auditEvent('older-than-retention', NOW - 25 * HOUR), auditEvent('within-retention', NOW - 23 * HOUR)]);
    // With retention 0 the audit log is kept whole.
    expect(purgeTasks({ ...RETENTION, auditEventsMs: 0 }).map((task) => task.name)).not.toContain('audit_events');

    const { tasks, batches } = counted(purgeTasks(RETENTION));
    const housekeeping = new Housekeeping(store, tasks, logger, { intervalMs: 0, batchSize: 1000 });
    const result = await housekeeping.runOnce(NOW);

    expect(result).toEqual({
      skipped: false,
      deleted: {
        revoked_tokens: expired,
        revoked_grants: 1,
        used_assertions: 2,
        'refresh_tokens (expired)': 2,
        'refresh_tokens (used)': 1,
        change_events: 1,
        admin_sessions: 2,
        attempt_counters: 2,
        security_check_states: 2,
        sign_in_interactions: 1,
        authorization_codes: 2,
        pushed_authorization_requests: 1,
        app_token_launches: 2,
        browser_sessions: 2,
        audit_events: 1,
      },
    });
    // 2,345 rows at 1,000 per statement: three batches, the last one short.
    expect(batches.revoked_tokens).toBe(3);
    expect(batches.used_assertions).toBe(1);

    const jtis = await store.db.selectFrom('revoked_tokens').select('jti').orderBy('jti').execute();
    expect(jtis.map((row) => row.jti)).toEqual(['live-1', 'live-2']);
    const grants = await store.db.selectFrom('revoked_grants').select('family_id').execute();
    expect(grants.map((row) => row.family_id)).toEqual(['grant-live']);
    const assertions = await store.db.selectFrom('used_assertions').select(['client_id', 'jti']).orderBy('client_id').execute();
    expect(assertions).toEqual([
      { client_id: 'c', jti: 'fresh' },
      { client_id: 'd', jti: 'fresh' },
    ]);
    const tokens = await store.db.selectFrom('refresh_tokens').select('token_digest').orderBy('token_digest').execute();
    expect(tokens.map((row) => row.token_digest)).toEqual(['live', 'used-recently']);
    const events = await store.db.selectFrom('change_events').select('ref').execute();
    expect(events.map((row) => row.ref)).toEqual(['recent']);
    const sessions = await store.db.selectFrom('admin_sessions').select('session_digest').execute();
    expect(sessions.map((row) => row.session_digest)).toEqual(['active']);
    const states = await store.db.selectFrom('security_check_states').select('client_id').orderBy('client_id').execute();
    expect(states.map((row) => row.client_id)).toEqual(['blocked', 'counting-failures', 'success-valid']);
    const counters = await store.db.selectFrom('attempt_counters').select('key').execute();
    expect(counters.map((row) => row.key)).toEqual(['running']);
    const interactions = await store.db.selectFrom('sign_in_interactions').select('id_digest').execute();
    expect(interactions.map((row) => row.id_digest)).toEqual(['interaction-live']);
    const codes = await store.db.selectFrom('authorization_codes').select('code_digest').orderBy('code_digest').execute();
    expect(codes.map((row) => row.code_digest)).toEqual(['code-live', 'code-recently-expired']);
    const pushed = await store.db.selectFrom('pushed_authorization_requests').select('request_uri_digest').execute();
    expect(pushed.map((row) => row.request_uri_digest)).toEqual(['par-live']);
    const launches = await store.db.selectFrom('app_token_launches').select('id_digest').execute();
    expect(launches.map((row) => row.id_digest)).toEqual(['launch-live']);
    const browserSessions = await store.db.selectFrom('browser_sessions').select('id_digest').orderBy('id_digest').execute();
    expect(browserSessions.map((row) => row.id_digest)).toEqual(['session-ended-recently', 'session-idle-over', 'session-live']);
    const audit = await store.db.selectFrom('audit_events').select('id').execute();
    expect(audit.map((row) => row.id)).toEqual(['within-retention']);

    // A second run finds nothing left.
    expect(await housekeeping.runOnce(NOW)).toEqual({
      skipped: false,
      deleted: {
        revoked_tokens: 0,
        revoked_grants: 0,
        used_assertions: 0,
        'refresh_tokens (expired)': 0,
        'refresh_tokens (used)': 0,
        change_events: 0,
        admin_sessions: 0,
        attempt_counters: 0,
        security_check_states: 0,
        sign_in_interactions: 0,
        authorization_codes: 0,
        pushed_authorization_requests: 0,
        app_token_launches: 0,
        browser_sessions: 0,
        audit_events: 0,
      },
    });
    expect(await count(store, 'revoked_tokens')).toBe(2);
  });

  it('a batch deletes at most its limit', async () => {
    await insertMany(
      store,
      'used_assertions',
      Array.from({ length: 30 }, (_, i) => ({ client_id: 'batch', jti: `j-${i}`, expires_at: NOW - 1 })),
    );
    const [usedAssertions] = purgeTasks(RETENTION).filter((task) => task.name === 'used_assertions');
    expect(await usedAssertions?.purgeBatch(store.db, NOW, 7)).toBe(7);
    expect(await count(store, 'used_assertions')).toBe(23 + 2);
    const { tasks, batches } = counted(purgeTasks(RETENTION));
    const result = await new Housekeeping(store, tasks, logger, { intervalMs: 0, batchSize: 10 }).runOnce(NOW);
    expect(result.skipped === false && result.deleted.used_assertions).toBe(23);
    expect(batches.used_assertions).toBe(3);
  });

  it('runs once at a time: a second instance skips while the first holds the lock', async () => {
    const other = open();
    try {
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const blocking: PurgeTask = {
        name: 'blocking',
        purgeBatch: async () => {
          entered();
          await released;
          return 0;
        },
      };
      const first = new Housekeeping(store, [blocking], logger, { intervalMs: 0 });
      const second = new Housekeeping(other, [{ name: 'noop', purgeBatch: () => Promise.resolve(0) }], logger, { intervalMs: 0 });
      const firstRun = first.runOnce(NOW);
      await inside;
      if (engine === 'postgres') {
        expect(await second.runOnce(NOW)).toEqual({ skipped: true });
      }
      // In one process a second call joins the run in progress instead of starting another.
      expect(first.runOnce(NOW)).toBe(firstRun);
      release();
      expect(await firstRun).toEqual({ skipped: false, deleted: { blocking: 0 } });
      expect(await second.runOnce(NOW)).toEqual({ skipped: false, deleted: { noop: 0 } });
    } finally {
      await other.close();
    }
  });
});
